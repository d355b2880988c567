from django import template
from django.urls import NoReverseMatch, reverse

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
