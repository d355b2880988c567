"""What the intake's forms share."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit


def form_helper(submit_label, *layout):
    """Crispy layout for a form whose ``<form>`` tag the template writes."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    helper.add_input(Submit("save", submit_label))
    return helper
