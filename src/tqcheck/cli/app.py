"""The typer app and its one error funnel: library exceptions become one line and an exit code here.

Exit codes: 0 ok, 1 quality gate failed, 2 bad usage or input, 3 model or runtime failure,
130 interrupted (Ctrl-C), 143 terminated (SIGTERM). TQCHECK_DEBUG=1 shows the traceback instead.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable

import typer
from typer.core import TyperCommand

from ..errors import TqcheckError

EXIT_OK, EXIT_GATE_FAILED, EXIT_BAD_INPUT, EXIT_RUNTIME, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 3, 130, 143
RESUME = "finished translations and scores are in the cache: run the same command again to resume"
INTERRUPTED = f"interrupted; {RESUME}"


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, a container stopped): unwound like Ctrl-C, so that engine
    processes are ended and the cache keeps what was finished."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _interrupted(error: BaseException | None) -> tuple[str, int]:
    if isinstance(error, Terminated):
        return f"terminated (SIGTERM); {RESUME}", EXIT_TERMINATED
    return INTERRUPTED, EXIT_INTERRUPTED


def _debug() -> bool:
    return os.environ.get("TQCHECK_DEBUG", "") not in ("", "0")


def _funnel(function: Callable) -> Callable:
    """Run a command; turn TqcheckError (and anything unexpected) into one stderr line and an exit code."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except TqcheckError as error:
            if _debug():
                raise
            typer.echo(f"tqcheck: error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt as error:
            message, code = _interrupted(error)
            typer.echo(f"tqcheck: {message}", err=True)
            raise typer.Exit(code) from None
        except Exception as error:  # a bug or an unexpected library failure: still one line, exit 3
            if _debug():
                raise
            first = (str(error).splitlines() or [""])[0]
            typer.echo(
                f"tqcheck: error: unexpected {type(error).__name__}: {first} "
                "(rerun with TQCHECK_DEBUG=1 for the traceback)",
                err=True,
            )
            raise typer.Exit(EXIT_RUNTIME) from None

    return run


app = typer.Typer(
    name="tqcheck",
    help="Check a translation against its source: align, machine-translate, score with sacrebleu and COMET.\n\n"
    "Exit codes: 0 ok, 1 quality gate failed, 2 bad usage or input, 3 model or runtime failure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Command(TyperCommand):
    """A command whose --help row shows no value type (``--help -h`` takes no value)."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


def command(name: str, group: typer.Typer | None = None) -> Callable[[Callable], Callable]:
    """Register a command behind the error funnel (every command goes through here)."""

    def register(function: Callable) -> Callable:
        (group or app).command(name, cls=_Command)(_funnel(function))
        return function

    return register


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"tqcheck {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", is_eager=True, callback=_show_version, expose_value=True
    ),
) -> None:
    """Check a translation against its source."""


def _register_commands() -> None:
    """Every command, by name, in one place (the command modules do not know the app)."""
    from . import align_cmd, audit_cmd, check_cmd, compare_cmd, models_cmd, score_cmd, translate_cmd

    commands: tuple[tuple[str, Callable[..., None]], ...] = (
        ("check", check_cmd.check),
        ("score", score_cmd.score),
        ("compare", compare_cmd.compare),
        ("audit", audit_cmd.audit),
        ("align", align_cmd.align),
        ("translate", translate_cmd.translate),
    )
    for name, function in commands:
        command(name)(function)
    models_app = typer.Typer(
        help="Manage models: list what is cached, pre-download for offline runs.", no_args_is_help=True
    )
    app.add_typer(models_app, name="models")
    models: tuple[tuple[str, Callable[..., None]], ...] = (
        ("pull", models_cmd.models_pull),
        ("list", models_cmd.models_list),
        ("convert", models_cmd.models_convert),
    )
    for name, function in models:
        command(name, group=models_app)(function)


_register_commands()


def main() -> None:
    """Console entry point. Usage errors from the parser become one line too, exit 2."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        code = app(prog_name="tqcheck", standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt) as error:
        message, code = _interrupted(error.__cause__ if isinstance(error, typer.Abort) else error)
        typer.echo(f"tqcheck: {message}", err=True)
        sys.exit(code)
    except Exception as error:
        # typer's parser errors (no such option, missing argument, bad value) carry these
        if not (hasattr(error, "format_message") and hasattr(error, "exit_code")) or _debug():
            raise
        message = error.format_message()
        if not message:  # `tqcheck` alone: the help was shown
            sys.exit(error.exit_code)
        context = getattr(error, "ctx", None)
        hint = f" (see `{context.command_path} --help`)" if context is not None else ""
        typer.echo(f"tqcheck: error: {message}{hint}", err=True)
        sys.exit(error.exit_code)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
