"""The FAQ conformance harness: one HTTP client, step definitions, features, runner, reports."""
