"""Written by `python -m promguard.docs` from the rule metadata: do not edit."""

FAMILIES = {
    "promguard.rules.alertmanager": {
        "ids": [
            "AM01",
            "AM02",
            "AM03",
            "AM04",
            "AM07",
            "AM10"
        ],
        "kinds": [
            "alertmanager"
        ]
    },
    "promguard.rules.alertmanager_flags": {
        "ids": [
            "AF02"
        ],
        "kinds": [
            "compose",
            "dockerfile",
            "systemd"
        ]
    },
    "promguard.rules.caddy": {
        "ids": [
            "CDY01",
            "CDY02",
            "CDY03",
            "CDY04",
            "CDY05"
        ],
        "kinds": [
            "caddy"
        ]
    },
    "promguard.rules.compose": {
        "ids": [
            "DC01",
            "DC02",
            "DC03",
            "DC04",
            "DC05",
            "DC06",
            "DC07",
            "DC08",
            "DC09",
            "DC10",
            "DC11",
            "DC12",
            "DC13",
            "DC18"
        ],
        "kinds": [
            "compose"
        ]
    },
    "promguard.rules.core": {
        "ids": [
            "PG001",
            "PG002",
            "PG003",
            "PG004"
        ],
        "kinds": [
            "any"
        ]
    },
    "promguard.rules.crossfile": {
        "ids": [
            "XF01",
            "XF02",
            "XF03",
            "XF04",
            "XF05",
            "XF06",
            "XF07",
            "XF08",
            "XF09",
            "XF10",
            "XF13",
            "XF14"
        ],
        "kinds": [
            "stack"
        ]
    },
    "promguard.rules.dockerfile": {
        "ids": [
            "DF01",
            "DF02",
            "DF03",
            "DF04",
            "DF05"
        ],
        "kinds": [
            "dockerfile"
        ]
    },
    "promguard.rules.grafana": {
        "ids": [
            "GRF01",
            "GRF02",
            "GRF03",
            "GRF04"
        ],
        "kinds": [
            "compose",
            "dockerfile",
            "systemd"
        ]
    },
    "promguard.rules.host": {
        "ids": [
            "HOST01",
            "HOST02",
            "HOST03",
            "HOST04",
            "HOST05",
            "HOST06"
        ],
        "kinds": [
            "systemd"
        ]
    },
    "promguard.rules.nginx": {
        "ids": [
            "NGX01",
            "NGX02",
            "NGX03",
            "NGX04",
            "NGX05",
            "NGX06",
            "NGX07",
            "NGX08",
            "NGX09",
            "NGX10",
            "NGX11",
            "NGX12",
            "NGX13",
            "NGX14",
            "NGX15",
            "NGX16",
            "NGX17",
            "NGX18"
        ],
        "kinds": [
            "nginx"
        ]
    },
    "promguard.rules.oauth2_proxy": {
        "ids": [
            "O2P01",
            "O2P02",
            "O2P03",
            "O2P04",
            "O2P05"
        ],
        "kinds": [
            "compose",
            "dockerfile",
            "systemd"
        ]
    },
    "promguard.rules.prometheus": {
        "ids": [
            "PROM01",
            "PROM02",
            "PROM03",
            "PROM04",
            "PROM05",
            "PROM06",
            "PROM08",
            "PROM10"
        ],
        "kinds": [
            "prometheus"
        ]
    },
    "promguard.rules.prometheus_flags": {
        "ids": [
            "PF01",
            "PF02",
            "PF03",
            "PF04"
        ],
        "kinds": [
            "compose",
            "dockerfile",
            "systemd"
        ]
    },
    "promguard.rules.pushgateway": {
        "ids": [
            "PGW01",
            "PGW02"
        ],
        "kinds": [
            "compose",
            "dockerfile",
            "systemd"
        ]
    },
    "promguard.rules.terraform": {
        "ids": [
            "TF01",
            "TF02",
            "TF03",
            "TF04",
            "TF05",
            "TF07",
            "TF08",
            "TF09",
            "TF10"
        ],
        "kinds": [
            "terraform"
        ]
    },
    "promguard.rules.traefik": {
        "ids": [
            "TRF01",
            "TRF02",
            "TRF03",
            "TRF04",
            "TRF05",
            "TRF06",
            "TRF07"
        ],
        "kinds": [
            "stack"
        ]
    },
    "promguard.rules.webconfig": {
        "ids": [
            "WEB01",
            "WEB02",
            "WEB03",
            "WEB04",
            "WEB05",
            "WEB06",
            "WEB09"
        ],
        "kinds": [
            "webconfig"
        ]
    }
}
