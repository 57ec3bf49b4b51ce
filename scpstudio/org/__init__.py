"""The organization (issue 19): one per installation, a tree of a root, OUs and accounts
with SCPs attached, the effective preview of any account or OU, and "what if".

Names others build on (the import from Huawei and the Terraform export use these):

* `models`: `Node` (`kind` root/ou/account, `name`, `parent`, `huawei_id`,
  `management`), `Attachment` (`node`, `policy` and optional pinned `version`, or
  `builtin="FullAccess"`), `PolicyHuaweiId` (a saved policy's `p-…` id).
* `rules`: the field checks (`clean_node_name`, `clean_huawei_id` with `ID_PATTERNS`) and
  the quotas (`max_ou_depth`, `max_ous`, `max_accounts`, `max_attachments`, from settings).
* `selectors`: `org_root`, `node_for`, `Tree` (the whole tree from one query: `path`,
  `below`, `accounts_below`), `attachments_by_node`, `policy_uses`, `can_change_org`.
* `services`: `node_create`, `node_rename`, `node_set_huawei_id`, `node_move`,
  `node_delete`, `node_set_management`, `attachment_create`, `attachment_delete` (each
  keyword-only, checked, in one transaction holding the root's row).
* `evaluation`: `compiled_version` (each version compiled once per process, for
  evaluation alone), `path_levels`, `effective_preview` (one query, the answer kept per
  process; every API of the catalog, in time that grows with what the SCPs name),
  `tree_summary`.
* `what_if`: `what_if(Change(...))`, on the engine's exact diff over paths.
* `exporting`: `org_description`, `export_text("terraform"|"json")` (through `org_export`).
* `import_source` (what an import asks for: `read_huawei_live`, `read_huawei_files`,
  `read_export`), `import_plan` (the dry run), `import_apply`, and the service
  `services.organization_import` (dry run, or applied in one transaction).

Pages (`views`, `views_preview`, `views_exchange`, `urls` at /org/), the REST API (`api`,
`api_exchange`, `api_urls` at /api/v1/org/), the admin (`admin`, `admin_import`) and the
commands (`import_org`, `export_org`) call the same functions. Nothing imports this app but
the URL configuration.
"""
