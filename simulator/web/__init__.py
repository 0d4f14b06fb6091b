"""HTTP: screens (Jinja, ja/en), the JSON API with its OpenAPI description, and test support."""
