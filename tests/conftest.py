"""Fixtures: every test gets its own temporary library, never the user's.

Libraries that many tests start from are built once per session into a template folder
(sealed: the WAL checkpointed) and copied per test: a copy takes milliseconds where
creating a library takes 0.1-0.2 s and importing the shared digest half a second.
"""

from __future__ import annotations

import ast
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from readinglist.app_context import ENV_HOME, OpenLibrary, open_library
from tests import helpers, real_home_guard
from tests.helpers import copy_library, logger_restored, seal_template, shared_digest_path
from tests.postgres_server import postgres_server, postgres_url  # noqa: F401  (a real server)
from tests.replay_server import replay  # noqa: F401  (the lookup services' replay fixture)

# CI runs many more examples (HYPOTHESIS_PROFILE=ci, set by scripts/dev under CI).
settings.register_profile("dev", max_examples=100)
# CI is derandomized so that a run that passed passes again; exploring new examples is
# what developers' runs (random, "dev") are for.
settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Headless always: CI has no display, and a developer's tests must not open windows.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
# Every command a test runs as a process is a process of its own: no command server is
# started behind the tests' backs (tests/test_command_server.py turns it on for itself).
os.environ["READINGLIST_COMMAND_SERVER"] = "off"


@pytest.fixture(scope="session", autouse=True)
def _isolated_session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The same for the session and module fixtures, which run before a test's own
    _isolated_home (a module's template built through the command line wrote its log
    into the user's ~/.local/state), and for whatever they leave to the logger."""
    patch = _isolated_session_env(tmp_path_factory.mktemp("session-home"))
    _SESSION_LOG_HANDLERS.extend(logging.getLogger("readinglist").handlers)
    try:
        with logger_restored():
            yield
    finally:
        patch.undo()


_SESSION_LOG_HANDLERS: list[logging.Handler] = []


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the user's library or config, even by accident."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv(ENV_HOME, raising=False)
    if "PySide6.QtCore" in sys.modules:  # Qt read XDG_CONFIG_HOME once: say it again
        helpers.settings_in(home / ".config")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach the real lookup services, even by accident: every endpoint is a
    closed local port unless the test asks for the ``replay`` fixture (tests/replay_server.py)."""
    for variable in (
        "READINGLIST_HF_ENDPOINT",
        "READINGLIST_ARXIV_ENDPOINT",
        "READINGLIST_S2_ENDPOINT",
    ):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")


@pytest.fixture(autouse=True)
def _logger_restored() -> Iterator[None]:
    """A command line run in-process (``readinglist.cli.main(argv)``) sends the log to a
    file in that test's home: put the logger back, so that no later test writes there.
    A handler a module fixture left (its command ran outside any test) goes first."""
    logger = logging.getLogger("readinglist")
    for handler in list(logger.handlers):
        if handler not in _SESSION_LOG_HANDLERS:
            logger.removeHandler(handler)
            handler.close()
    with logger_restored():
        yield


@pytest.fixture(autouse=True)
def _cli_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """tests.test_cli.Cli runs in this process unless the test is marked real_process."""
    real = request.node.get_closest_marker("real_process") is not None
    monkeypatch.setattr(helpers, "CLI_IN_PROCESS", not real)


def _isolated_session_env(home: Path) -> pytest.MonkeyPatch:
    """What _isolated_home does for a test, for a session fixture (undo() when done)."""
    patch = pytest.MonkeyPatch()
    for name, value in (
        ("HOME", home),
        ("XDG_DATA_HOME", home / ".local" / "share"),
        ("XDG_CONFIG_HOME", home / ".config"),
        ("XDG_STATE_HOME", home / ".local" / "state"),
        ("XDG_CACHE_HOME", home / ".cache"),
    ):
        patch.setenv(name, str(value))
    patch.delenv(ENV_HOME, raising=False)
    return patch


def _build_template(
    tmp_path_factory: pytest.TempPathFactory, name: str, digest: Path | None
) -> Path:
    root = tmp_path_factory.mktemp(name)
    folder = root / "library"
    patch = _isolated_session_env(root / "home")
    try:
        with open_library(folder) as opened:
            if digest is not None:
                opened.library.import_bytes(digest.read_bytes(), "digest.txt")
    finally:
        patch.undo()
    return seal_template(folder)


@pytest.fixture(scope="session")
def empty_library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty library (schema at head, an empty index), closed: copy, never open."""
    return _build_template(tmp_path_factory, "template-empty", None)


@pytest.fixture(scope="session")
def digest_library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared digest imported (as "digest.txt") into a new library, closed and
    indexed: copy it with tests.helpers.copy_library, never open it."""
    return _build_template(tmp_path_factory, "template-digest", shared_digest_path())


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """Where the test's library goes; it does not exist yet."""
    return tmp_path / "library"


@pytest.fixture
def opened(library_dir: Path, empty_library_template: Path) -> Iterator[OpenLibrary]:
    """A new, empty library, open (a copy of the empty template)."""
    copy_library(empty_library_template, library_dir)
    with open_library(library_dir) as lib:
        yield lib


@pytest.fixture
def digest_library(library_dir: Path, digest_library_template: Path) -> Path:
    """A closed library holding the shared digest (imported as "digest.txt")."""
    return copy_library(digest_library_template, library_dir)


@pytest.fixture
def shared_digest() -> Path:
    return shared_digest_path()


@pytest.fixture
def shared_digest_bytes(shared_digest: Path) -> bytes:
    return shared_digest.read_bytes()


# --- does a run reach every module? (scripts/dev test --fast: --check-all-modules) ---

PACKAGE = Path(__file__).resolve().parents[1] / "readinglist"
# Entry points that only a fresh interpreter runs, and the fast test that runs each one.
RUN_IN_A_CHILD = {
    "__main__.py": "tests/test_cli.py::test_version_and_help",
    "launch.py": "tests/test_cli.py::test_version_and_help",  # what __main__ runs
    "cli/gui.py": (
        "tests/test_single_instance.py::test_readinglist_gui_on_an_open_library_raises_it_and_exits"
    ),
    "ui/smoke.py": "tests/test_smoke_run.py::test_the_smoke_run_imports_searches_and_exits_0",
}
_executed: set[str] = set()
_passed: set[str] = set()


_REAL_FOLDERS = real_home_guard.watched_folders()  # before any fixture moves HOME
_REAL_BEFORE = real_home_guard.listing(_REAL_FOLDERS)


def _check_the_real_home(session: pytest.Session) -> None:
    """Fail a CI run whose tests wrote into the user's own readinglist folders (on a
    developer's machine the app itself may be running: there it is a warning line)."""
    touched = real_home_guard.changed(_REAL_BEFORE, real_home_guard.listing(_REAL_FOLDERS))
    if not touched:
        return
    message = "\ntests wrote into the user's own readinglist folders:\n  " + "\n  ".join(touched)
    if os.environ.get("CI"):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(message, red=True, bold=True)
    else:
        print(message, file=sys.stderr)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--check-all-modules",
        action="store_true",
        help="fail the run unless the tests imported every module of readinglist/ (or ran"
        " it: Alembic's migration scripts), e.g. the fast tier: -m 'not slow'",
    )


def _record_exec(event: str, args: tuple[object, ...]) -> None:
    """Alembic runs its migration scripts from their files without importing them:
    record every code object run by exec() that comes from the package."""
    if event == "exec" and args:
        filename = getattr(args[0], "co_filename", "")
        if filename.startswith(str(PACKAGE)):
            _executed.add(filename)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("check_all_modules"):
        sys.addaudithook(_record_exec)  # cannot be removed: only when asked for


def _has_code(path: Path) -> bool:
    """False for a file that holds nothing to run (empty, or a docstring alone)."""
    body = ast.parse(path.read_bytes()).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        _passed.add(report.nodeid)


def package_modules() -> set[str]:
    """Every file of the package that has code to run."""
    return {
        str(path)
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts and _has_code(path)
    }


def reached_modules() -> set[str]:
    """The package's files that this process imported or ran, and the entry points
    whose test (which runs them in a child) passed."""
    files = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    children = {str(PACKAGE / name) for name, test in RUN_IN_A_CHILD.items() if test in _passed}
    return {str(Path(f).resolve()) for f in files if f} & package_modules() | _executed | children


def _runs_every_test(config: pytest.Config) -> bool:
    """Whether the run was given the whole tests folder (a marker may choose a tier),
    not some of its files, tests or keywords."""
    tests = Path(__file__).resolve().parent
    given = {Path(config.invocation_params.dir, arg).resolve() for arg in config.args}
    return (
        given == {tests}
        and not config.getoption("keyword")
        and not config.getoption("lf", default=False)
    )


# With pytest-xdist, what each worker reached (sent back as its workeroutput).
_reached_by_workers: set[str] = set()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    _reached_by_workers.update(getattr(node, "workeroutput", {}).get("reached_modules", ()))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    worker = hasattr(config, "workerinput")
    if not worker:
        _check_the_real_home(session)
    if not config.getoption("check_all_modules"):
        return
    if worker:  # the controller puts every worker's modules together
        config.workeroutput["reached_modules"] = sorted(reached_modules())  # type: ignore[attr-defined]
        return
    if not _runs_every_test(config):
        return  # some of the tests cannot be expected to reach every module
    xdist = bool(getattr(config.option, "numprocesses", None))
    every = package_modules()
    missing = sorted(every - (_reached_by_workers if xdist else reached_modules()))
    if missing:
        names = "\n  ".join(str(Path(m).relative_to(PACKAGE.parent)) for m in missing)
        message = f"\n--check-all-modules: no test of this run reached:\n  {names}"
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        message = (
            f"\n--check-all-modules: the tests reached all {len(every)} modules of readinglist/"
        )
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(message, red=bool(missing), bold=bool(missing))
    else:
        print(message, file=sys.stderr)
