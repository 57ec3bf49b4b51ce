# Written by SCP Studio: the organization's service control policies and their
# attachments. Each policy's content is its saved text, byte for byte.

terraform {
  required_providers {
    huaweicloud = {
      source = "huaweicloud/huaweicloud"
    }
  }
}

variable "ou_dev" {
  description = "Huawei id of the OU Dev (under Root)"
  type        = string
  default     = "ou-dev00001"
}

variable "ou_sandbox" {
  description = "Huawei id of the OU Sandbox (under Dev)"
  type        = string
}

variable "account_dev_one" {
  description = "Huawei id of the account dev-one (under Dev)"
  type        = string
  default     = "1a1b2c3d4e5f60718293a4b5c6d7e8f9"
}

resource "huaweicloud_organizations_policy" "no_sharing_v3" {
  name        = "No sharing v3"
  type        = "service_control_policy"
  description = "Images stay in the organization"
  content     = <<EOT
{
  "Version": "5.0",
  "Statement": [
    {
      "Sid": "NoShare",
      "Effect": "Deny",
      "Action": ["ims:images:share"],
      "Condition": {"ForAnyValue:StringNotMatch": {"ims:TargetOrgPaths": ["o-1/r-1/*"]}}
    }
  ]
}
EOT
}

resource "huaweicloud_organizations_policy" "no_sharing_v2" {
  name        = "No sharing v2"
  type        = "service_control_policy"
  description = "Images stay in the organization"
  content     = trimsuffix(<<EOT
{"Version": "5.0", "Statement": [{"Effect": "Deny", "Action": "ims:images:share"}]}
EOT
  , "\n")
}

resource "huaweicloud_organizations_policy" "images_only" {
  name        = "Images only"
  type        = "service_control_policy"
  description = ""
  content     = trimsuffix(<<EOT
{"Version":"5.0","Statement":[{"Sid":"OnlyImages","Effect":"Allow","Action":["ims:*:get*","ims:*:list*"],"Resource":["*"],"Condition":{"StringMatch":{"g:UserAgent":["$${tool}/%%{v}\\x \"q\""]}}}]}
EOT
  , "\n")
}

resource "huaweicloud_organizations_policy_attach" "no_sharing_v3_ou_dev" {
  policy_id = huaweicloud_organizations_policy.no_sharing_v3.id
  entity_id = var.ou_dev
}

resource "huaweicloud_organizations_policy_attach" "images_only_ou_sandbox" {
  policy_id = huaweicloud_organizations_policy.images_only.id
  entity_id = var.ou_sandbox
}

resource "huaweicloud_organizations_policy_attach" "no_sharing_v2_account_dev_one" {
  policy_id = huaweicloud_organizations_policy.no_sharing_v2.id
  entity_id = var.account_dev_one
}

# FullAccess is Huawei's system policy, attached by Huawei: it is not managed here.
# It is not attached to the OU Sandbox: detach it there in the console.
