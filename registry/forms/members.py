"""Forms of the members page: add a person with a role, change a member's role."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Email, Length

from registry.forms import Form, Select, plain_choices

ROLE_CHOICES = [
    ("dpo", _l("DPO: edits the register")),
    ("auditor", _l("Auditor: reads the register")),
    ("admin", _l("Admin: edits, manages members and settings")),
]


class MemberForm(Form):
    email = StringField(
        _l("E-mail"), [DataRequired(_l("Give the person's e-mail address.")), Email(_l("Enter a valid e-mail address."))],
        render_kw={"type": "email", "autocomplete": "off"},
    )
    name = StringField(_l("Name"), [Length(max=200)], description=_l("Used only when a new account is created."))
    role = Select(_l("Role"), choices=plain_choices(ROLE_CHOICES), default="auditor")


class RoleForm(Form):
    role = Select(_l("Role"), choices=plain_choices(ROLE_CHOICES))
