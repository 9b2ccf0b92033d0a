variable "monitoring_cidrs" {
  description = "Who may reach Prometheus and Alertmanager"
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "grafana_admin_password" {
  type    = string
  default = "admin"
}
