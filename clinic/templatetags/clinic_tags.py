from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from clinic import contact, phones

register = template.Library()

# (label, url name, who sees it). Apps add their pages here as they arrive; a name that
# does not resolve (an app not installed) is skipped rather than breaking every page.
NAV = [
    ("Dashboard", "client_dashboard", {"client"}),
    ("My details", "profile", {"client"}),
    ("My health form", "intake:start", {"client"}),
    ("Book", "bookings:book", {"client", "front_desk"}),
    ("My appointments", "bookings:my_appointments", {"client"}),
    ("Today", "therapist_today", {"therapist"}),
    ("Week", "bookings:therapist_week", {"therapist"}),
    ("Reviews", "intake:review_queue", {"therapist"}),
    ("Schedule", "bookings:front_desk_day", {"front_desk"}),
    ("Clients", "client_list", {"front_desk", "clinic_admin"}),
    ("Library", "library:home", {"anonymous", "client", "therapist", "front_desk", "clinic_admin"}),
    ("Back office", "admin:index", {"clinic_admin"}),
]


def audiences(user):
    if user is None or not user.is_authenticated:
        return {"anonymous"}
    found = set()
    if user.is_client:
        found.add("client")
    if user.is_therapist:
        found.add("therapist")
    if user.is_front_desk:
        found.add("front_desk")
    if user.is_clinic_admin and user.is_staff:
        found.add("clinic_admin")
    return found


@register.simple_tag(takes_context=True)
def nav_links(context):
    request = context.get("request")
    if request is None:
        return []
    who = audiences(getattr(request, "user", None))
    links = []
    for label, name, seen_by in NAV:
        if not who & seen_by:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "current": request.path == url})
    return links


@register.filter
def money(value):
    """A price with the clinic's currency sign (``CLINIC_CURRENCY``): ``£55.00``.

    Every page, e-mail and receipt that shows a price uses this filter, so the sign is
    set in one place. Empty for no price; anything not a number is shown as it is.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return value
    sign = "-" if amount < 0 else ""
    return f"{sign}{settings.CLINIC_CURRENCY}{abs(amount):,.2f}"


@register.filter
def with_article(word):
    """``word`` after "a" or "an" by its sound's first letter: "an acute", "a maintenance"."""
    text = str(word)
    article = "an" if text[:1].lower() in "aeiou" and text else "a"
    return f"{article} {text}"


@register.filter
def phone(value):
    """A stored phone number as people say it: national for the clinic's region."""
    return phones.display(value)


@register.filter
def tel(number):
    """A phone number as a ``tel:`` link target, so it can be tapped on a phone."""
    return contact.tel_href(str(number or ""))


@register.inclusion_tag("clinic/includes/contact.html")
def clinic_contact(info=None, heading_level=2):
    """The main location's phone (tappable), address and opening hours; ``info`` when
    the view already has them (:func:`clinic.contact.clinic_contact`)."""
    return {"contact": info or contact.clinic_contact(), "heading_level": heading_level}
