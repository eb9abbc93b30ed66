# A binding by its id, as nsx_role_bindings lists it.
terraform import nsx_role_binding.ops 00010004-0000-4000-8000-000000000004
