# python-hcl2 reads `n-1` as n followed by the number -1 and rejects it; terraform subtracts.
locals {
  last = length(var.list)-1
}
