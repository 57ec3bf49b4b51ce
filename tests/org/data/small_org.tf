# Written by SCP Studio: the organization's service control policies and their
# attachments. Each policy's content is its saved text, byte for byte.

terraform {
  required_providers {
    huaweicloud = {
      source = "huaweicloud/huaweicloud"
    }
  }
}

variable "ou_sandbox" {
  description = "Huawei id of the OU Sandbox (under Dev)"
  type        = string
}

variable "ou_prod" {
  description = "Huawei id of the OU Prod (under Landing zone)"
  type        = string
  default     = "ou-prod0001"
}

variable "account_web" {
  description = "Huawei id of the account web (under Prod)"
  type        = string
  default     = "1a1b2c3d4e5f60718293a4b5c6d7e8f9"
}

resource "huaweicloud_organizations_policy" "no_delete_v1" {
  name        = "No delete v1"
  type        = "service_control_policy"
  description = ""
  content     = <<EOT
{
  "Version": "5.0",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": [
        "ims:images:deleteImage"
      ],
      "Resource": "*",
      "Sid": "NoDelete"
    }
  ]
}
EOT
}

resource "huaweicloud_organizations_policy" "no_delete_v2" {
  name        = "No delete v2"
  type        = "service_control_policy"
  description = ""
  content     = <<EOT
{
  "Version": "5.0",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": [
        "ims:images:share"
      ],
      "Resource": "*",
      "Sid": "NoShare"
    }
  ]
}
EOT
}

resource "huaweicloud_organizations_policy" "odd_text" {
  name        = "Odd text"
  type        = "service_control_policy"
  description = ""
  content     = trimsuffix(<<EOT
{"Version": "5.0", "Statement": [{"Sid": "Ünïcode", "Effect": "Deny", "Action": "ims:images:share"}]}
EOT
  , "\n")
}

resource "huaweicloud_organizations_policy_attach" "odd_text_ou_sandbox" {
  policy_id = huaweicloud_organizations_policy.odd_text.id
  entity_id = var.ou_sandbox
}

resource "huaweicloud_organizations_policy_attach" "no_delete_v2_ou_prod" {
  policy_id = huaweicloud_organizations_policy.no_delete_v2.id
  entity_id = var.ou_prod
}

resource "huaweicloud_organizations_policy_attach" "no_delete_v1_account_web" {
  policy_id = huaweicloud_organizations_policy.no_delete_v1.id
  entity_id = var.account_web
}

# FullAccess is Huawei's system policy, attached by Huawei: it is not managed here.
# It is not attached to the OU Sandbox: detach it there in the console.
