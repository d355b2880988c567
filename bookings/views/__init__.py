"""The bookings pages, by area; bookings/urls.py maps them."""
