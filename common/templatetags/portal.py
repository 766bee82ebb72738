from django import template

register = template.Library()


@register.filter
def bs(field):
    """Render a form field with Bootstrap's classes (and is-invalid when it has errors)."""
    widget = field.field.widget
    if getattr(widget, "input_type", None) == "checkbox":
        css = "form-check-input"
    elif widget.__class__.__name__ in {"Select", "SelectMultiple"}:
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})
