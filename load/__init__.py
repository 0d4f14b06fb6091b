"""Load tests of rasim with Locust (issue 11): `locust -f load/locustfile.py --host URL` against any deployment
with test support on (RASIM_TEST_SUPPORT=1: the users make their own accounts and residence records), or
`rasim load run`, which starts PostgreSQL, gunicorn and Locust itself and checks the database afterwards.
See docs/load.md."""
