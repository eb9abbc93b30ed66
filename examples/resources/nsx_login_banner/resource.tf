# The banner shown before login, consent required. The content is kept byte for byte.
resource "nsx_login_banner" "this" {
  login_banner_title         = "Authorized use only"
  login_banner_content       = "This system is for authorized use only.\n\nActivity is monitored and recorded."
  login_banner_status        = true
  login_banner_checkbox_flag = true
}
