"""The back office. Owners' side (accounts, groups, account events) in ``accounts``;
the clinic admins' side (locations, services, therapists, timetables, clients) in ``clinic``.
"""

from clinic.admin import accounts, clinic  # noqa: F401  (each module registers its models)
