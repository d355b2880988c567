"""The pages that combine apps: home, the client dashboard, the therapist's today page,
front desk's client page, and the demo seed.

The top layer (DESIGN.md, "Layout"): the only code that may import every app, and no
app imports it. The import-linter contracts in pyproject.toml hold both.
"""
