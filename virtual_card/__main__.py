"""`python -m virtual_card …` runs the `card` command group (same as `rasim card …`)."""
from .cli import main

main()
