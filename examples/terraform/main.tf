# The host the compose stack runs on, as many teams first write it.
resource "aws_security_group" "monitoring" {
  name        = "monitoring"
  description = "Prometheus, Alertmanager and Grafana"

  dynamic "ingress" {
    for_each = { prometheus = 9090, alertmanager = 9093 }
    content {
      description = ingress.key
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = var.monitoring_cidrs
    }
  }

  ingress {
    description = "node_exporter and friends"
    from_port   = 9100
    to_port     = 9115
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "0.0.0.0/0"]
  }
}

resource "helm_release" "grafana" {
  name       = "grafana"
  repository = "https://grafana.github.io/helm-charts"
  chart      = "grafana"

  set {
    name  = "adminPassword"
    value = var.grafana_admin_password
  }
}
