# Template directives, escaped interpolations and a provider function broke the fast HCL reader.
locals {
  a = "%{ if var.x }yes%{ else }no%{ endif }"
  b = "$${literal} %%{literal}"
  c = provider::terraform::encode_tfvars({ x = 1 })
  d = [for k, v in var.m : "${k}=${v}" if v != null]
}
