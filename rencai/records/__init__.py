"""Unit-scoped records through the web, the import engine and the API, declared once per record
type: the list with its filters, the detail page, create/edit/delete, the import sheet with its
template and export, and the REST endpoint — all scoped by the model's `visible_to(user)`,
masked and audited like the people register."""
