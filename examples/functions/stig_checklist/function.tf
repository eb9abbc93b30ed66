# A checklist of the routing part alone, for an auditor's STIG Viewer 3 (the manager's rules
# are not_reviewed in it: the STIG module's checklist output holds both parts).
#   terraform apply && terraform output -raw routing_checklist > nsx-routing.cklb
data "nsx_routing_stig" "all" {}

output "routing_checklist" {
  value = provider::nsx::stig_checklist("vcf9", {
    host_name = "nsx.example.com"
    comments  = "NSX Manager cluster nsx.example.com: nsx-1.example.com, nsx-2.example.com, nsx-3.example.com"
  }, data.nsx_routing_stig.all.controls)
}
