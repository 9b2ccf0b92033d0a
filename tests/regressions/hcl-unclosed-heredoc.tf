# A heredoc without its closing marker must be a parse error at its line, not a hang.
resource "helm_release" "x" {
  values = [<<EOF
grafana:
  adminPassword: x
