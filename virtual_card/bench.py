"""`rasim bench card` — placeholder, replaced by the virtual card implementation."""
import click


@click.command(name="card")
def card_bench() -> None:
    """Benchmark the virtual card through pcscd."""
    raise click.ClickException("not implemented yet")
