# Import by the user's name as created on the NSX Manager console (lower case).
terraform import nsxv_cli_user_role.audit audit
