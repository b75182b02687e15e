"""The organiser's directory tools: `python -m chalicelib.cli.directory validate|import|coverage|export|health|override`.

Every command works on the CSV files in chalicelib/data/ (or `--data DIR`); only `health`, `override`, and
`coverage`/`export` with `--health`/`--overrides` talk to AWS (the table of --stage STAGE, from
infra/stages/STAGE.json, or of DEMARCHE_TABLE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Callable, TextIO

from chalicelib.cli.running_stack import add_aws_options, connect
from chalicelib.clock import utc_now
from chalicelib.directory.records import (
    DATA_DIR,
    DIRECTORY_SETS,
    leads_path,
    read_table,
    render_csv,
    target_columns,
    target_set_path,
)

PROGRESS_MIN_ROWS = 200  # smaller files import in the blink of an eye: no bar


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m chalicelib.cli.directory", description="Check, refresh and measure the target directory."
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="the data folder (default: %(default)s)")
    parser.add_argument(
        "--now",
        type=_moment,
        default=None,
        help="act as if it were this UTC moment (YYYY-MM-DD or ISO 8601), e.g. for stale",
    )
    add_aws_options(parser)  # for `health` and `coverage --health`, the only commands that talk to AWS
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check files; print file:row:column: message per problem")
    validate.add_argument(
        "files", nargs="*", type=Path, help="files to check (default: the shared data and every campaign's overrides)"
    )
    validate.add_argument("--campaigns", type=Path, default=None, help="campaigns folder for the default check")

    merge = commands.add_parser("import", help="merge an organiser's CSV into a target set")
    merge.add_argument("file", type=Path)
    merge.add_argument(
        "--set",
        dest="target_set",
        choices=DIRECTORY_SETS,
        help="the set (default: each set the file's target_set names)",
    )
    merge.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    merge.add_argument(
        "--replace", action="store_true", help="let the file's values replace differing ones (default: keep as leads)"
    )
    merge.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")

    cover = commands.add_parser("coverage", help="per target set: emails, websites or forms only, nothing, failing")
    cover.add_argument("--json", action="store_true", help="machine-readable output")
    cover.add_argument("--health", action="store_true", help="count failing targets (reads DynamoDB)")
    cover.add_argument("--campaign", metavar="SLUG", help="how many states this campaign reaches, through its chain")
    cover.add_argument(
        "--stage", choices=("local", "dev", "prod"), default="prod", help="with --campaign (default: %(default)s)"
    )
    cover.add_argument("--campaigns", type=Path, default=None, help="campaigns folder for --campaign")
    cover.add_argument(
        "--overrides", action="store_true", help="apply and count organisers' stored corrections (reads DynamoDB)"
    )

    export = commands.add_parser("export", help="a target set as CSV on standard output")
    export.add_argument("--set", dest="target_set", required=True, choices=DIRECTORY_SETS)
    export.add_argument(
        "--overrides", action="store_true", help="with the organisers' stored corrections merged in (reads DynamoDB)"
    )

    verify = commands.add_parser("verify", help="mark a row verified: who, today, how (it keeps its source)")
    verify.add_argument("country", help="ISO code or name")
    verify.add_argument("target_set", metavar="SET", choices=DIRECTORY_SETS)
    verify.add_argument("--by", required=True, help="who checked it")
    verify.add_argument("--how", required=True, help='how, e.g. "on the source page", "reply from the address"')
    verify.add_argument("--source", default="", help="the page checked: must be the row's own source")

    stale = commands.add_parser("stale", help="rows with an email not verified within N days (or months)")
    within = stale.add_mutually_exclusive_group()
    within.add_argument("--days", type=int, default=None, help="default 365")
    within.add_argument("--months", type=int, default=None)
    stale.add_argument("--set", dest="target_set", choices=DIRECTORY_SETS, help="only this set")
    stale.add_argument("--json", action="store_true")

    override = commands.add_parser("override", help="organisers' stored address corrections (DynamoDB)")
    steps = override.add_subparsers(dest="action", required=True, metavar="ACTION")
    listed = steps.add_parser("list", help="every correction in effect")
    listed.add_argument("--json", action="store_true")
    for name, text in (("set", "correct or add a target's address"), ("clear", "go back to the shared row")):
        step = steps.add_parser(name, help=text)
        step.add_argument("--set", dest="target_set", required=True, help="the target set")
        step.add_argument("--country", required=True, help="ISO code or name")
        step.add_argument("--by", required=True, help="who you are, for the audit record")
        step.add_argument("--note", default="", help="why (kept in the audit record)")
        if name == "set":
            step.add_argument("--email", required=True)
            step.add_argument("--kind", required=True, help="address kind: general, registry, free-mail, desk, …")
            step.add_argument("--source", required=True, help="the https:// page that publishes the address")
    history = steps.add_parser("history", help="the audit records, newest first")
    history.add_argument("--set", dest="target_set", help="only this set")
    history.add_argument("--country", help="only this country")
    history.add_argument("--json", action="store_true")

    health = commands.add_parser("health", help="list, mark or clear failing targets (DynamoDB)")
    actions = health.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every failing target")
    listing.add_argument("--json", action="store_true")
    for name, text in (
        ("clear", "let a failing target receive letters again"),
        ("set", "mark a target failing by hand"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("--set", dest="target_set", required=True, choices=DIRECTORY_SETS)
        action.add_argument("--country", required=True, help="ISO code or name")
        if name == "set":
            action.add_argument("--diagnostic", required=True, help="why, e.g. the bounce message")
    return parser


def _default_overrides(directory: Any, clock: Callable[[], dt.datetime]) -> Any:
    from chalicelib.aws import AwsClients
    from chalicelib.directory.overrides import StoredOverrides
    from chalicelib.settings import Settings

    return StoredOverrides(AwsClients(Settings.from_env()).table, clock, directory)


def _default_health() -> Any:
    from chalicelib.aws import AwsClients
    from chalicelib.directory.health import TargetHealth
    from chalicelib.settings import Settings

    return TargetHealth(AwsClients(Settings.from_env()).table)


class ProgressBar:
    """A one-line bar on a stream, redrawn only when the shown percentage changes."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width, self._shown = stream, width, -1

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent == self._shown:
            return
        self._shown = percent
        filled = self.width * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} rows")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def main(
    argv: list[str] | None = None,
    *,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    health: Callable[[], Any] = _default_health,
    overrides: Callable[[Any, Callable[[], dt.datetime]], Any] = _default_overrides,
    clock: Callable[[], dt.datetime] = utc_now,
) -> int:
    """Run one command; `clock` (what "today" and "since" mean), `health` and `overrides` (the AWS stores) are
    passed in by tests."""
    args = _parser().parse_args(argv)
    if args.now is not None:
        clock = lambda: args.now  # noqa: E731
    if args.command in ("health", "override") or getattr(args, "health", False) or getattr(args, "overrides", False):
        connect(args, err)
    run = {
        "validate": _validate,
        "import": _import,
        "coverage": _coverage,
        "export": _export,
        "health": _health,
        "override": _override,
        "verify": _verify,
        "stale": _stale,
    }
    stored = lambda: overrides(_directory(args.data), clock)  # noqa: E731 - built only by the commands that need it
    return run[args.command](args, out=out, err=err, health=health, overrides=stored, clock=clock, today=clock().date())


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or ISO 8601 moment: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _verify(args: argparse.Namespace, *, out: TextIO, err: TextIO, today: dt.date, **_: Any) -> int:
    from chalicelib.directory.verification import verify_row
    from chalicelib.errors import InvalidField

    country = _directory(args.data).find_country(args.country)
    try:
        if country is None:
            raise InvalidField("country", f"Unknown country {args.country!r}: use an ISO code such as KE or a name.")
        row = verify_row(
            args.data, args.target_set, country.alpha2, by=args.by, how=args.how, today=today, source=args.source
        )
    except InvalidField as exc:
        print(f"{exc.field}: {exc.message} Nothing was changed.", file=err)
        return 1
    print(
        f"{args.target_set} {row['alpha2']}: verified on {row['verified_on']} by {row['verified_by']} ({row['verified_how']}); source {row['source']}",
        file=out,
    )
    return 0


def _stale(args: argparse.Namespace, *, out: TextIO, err: TextIO, today: dt.date, **_: Any) -> int:
    from chalicelib.directory.verification import months_before, stale_rows

    if args.months is not None:
        since = months_before(today, args.months)
    else:
        since = today - dt.timedelta(days=365 if args.days is None else args.days)
    sets = [args.target_set] if args.target_set else DIRECTORY_SETS
    rows = stale_rows(args.data, checked_since=since, today=today, sets=sets)
    if args.json:
        print(
            json.dumps(
                {"as_of": today.isoformat(), "checked_since": since.isoformat(), "rows": rows},
                indent=2,
                ensure_ascii=False,
            ),
            file=out,
        )
        return 0
    for r in rows:
        print(
            f"{r['target_set']}\t{r['country']}\t{r['email']}\t{r['verified_on'] or 'never verified'}\t{r['source'] or '-'}",
            file=out,
        )
    print(
        f"{len(rows)} row(s) with an email not verified since {since.isoformat()} (as of {today.isoformat()})", file=err
    )
    return 0


def _directory(data: Path) -> Any:
    from chalicelib.directory.index import Directory

    return Directory(data)


def _validate(args: argparse.Namespace, *, out: TextIO, err: TextIO, today: dt.date, **_: Any) -> int:
    from chalicelib.directory.leads import lead_conflicts
    from chalicelib.directory.overrides import override_files
    from chalicelib.directory.validation import check_files, shared_files

    files = args.files
    if not files:
        from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR

        campaigns = args.campaigns or CAMPAIGNS_DIR
        leads = [leads_path(args.data, s) for s in DIRECTORY_SETS if leads_path(args.data, s).is_file()]
        files = shared_files(args.data) + leads
        files += [p for folder in sorted(campaigns.iterdir()) for p in override_files(folder)]
    problems = check_files(files, args.data, today)
    for problem in problems:
        print(problem, file=out)
    # Conflicting leads are decisions waiting for a maintainer, not errors: shown, but validation still passes.
    conflicts = lead_conflicts(args.data) if not args.files else []
    for line in conflicts:
        print(f"conflict {line}", file=out)
    decide = f", {len(conflicts)} lead conflict(s) to decide" if conflicts else ""
    print(f"{len(files)} file(s) checked, {len(problems)} problem(s){decide}", file=err)
    return 1 if problems else 0


def _import(args: argparse.Namespace, *, out: TextIO, err: TextIO, today: dt.date, **_: Any) -> int:
    from chalicelib.directory.merge import import_file

    if not args.file.is_file():
        print(f"{args.file}: no such file", file=err)
        return 1
    table = read_table(args.file)
    sets = [args.target_set] if args.target_set else _sets_named(table)
    if not sets:
        print(f"{args.file}: say which set with --set, or give the file a target_set column", file=err)
        return 1
    failed = False
    if not args.target_set and "target_set" in table.header:
        for row in table.rows:
            if row.cells.get("target_set") not in DIRECTORY_SETS:
                failed = True
                print(
                    f"rejected {args.file}:{row.number}:target_set: unknown target set "
                    f"{row.cells.get('target_set')!r}: use one of {', '.join(DIRECTORY_SETS)}",
                    file=out,
                )
    for target_set in sets:
        failed |= _import_set(args, target_set, len(table.rows), out=out, err=err, today=today, run=import_file)
    return 1 if failed else 0


def _sets_named(table: Any) -> list[str]:
    named = {row.cells.get("target_set", "") for row in table.rows} if "target_set" in table.header else set()
    return [s for s in DIRECTORY_SETS if s in named]


def _import_set(
    args: argparse.Namespace, target_set: str, rows: int, *, out: TextIO, err: TextIO, today: dt.date, run: Any
) -> bool:
    """Import the file into one set and print its report; True if anything was refused."""
    from chalicelib.directory.merge import ImportRefused

    show_bar = args.progress or (rows >= PROGRESS_MIN_ROWS and err.isatty())
    try:
        report = run(
            args.file,
            target_set,
            args.data,
            today,
            dry_run=args.dry_run,
            replace=args.replace,
            progress=ProgressBar(err) if show_bar else None,
        )
    except ImportRefused as exc:
        for problem in exc.problems:
            print(problem, file=out)
        print("nothing imported: fix the header first", file=err)
        return True
    for problem in report.rejected:
        print(f"rejected {problem}", file=out)
    for problem in report.leads:
        print(f"lead {problem}", file=out)
    where = (
        "(dry run: nothing written)"
        if args.dry_run
        else f"-> {target_set_path(args.data, target_set)}"
        if report.written
        else "(no change to write)"
    )
    if report.leads and not args.dry_run:
        where += f"; leads -> {leads_path(args.data, target_set)} (see validate)"
    print(f"{target_set}: {report.summary()} {where}", file=out)
    return bool(report.rejected)


def _coverage(
    args: argparse.Namespace, *, out: TextIO, health: Callable[[], Any], overrides: Callable[[], Any], **_: Any
) -> int:
    from chalicelib.directory.coverage import coverage, coverage_table

    failing = [(f.target_set, f.country) for f in health().all_failing()] if args.health else []
    directory = _directory(args.data)
    if args.overrides:
        directory = directory.with_stored(overrides().cells)
    if args.campaign:
        return _campaign_coverage(args, directory, failing, out=out)
    report = coverage(directory, failing)
    print(json.dumps(report, indent=2) if args.json else coverage_table(report, health_checked=args.health), file=out)
    return 0


def _campaign_coverage(args: argparse.Namespace, directory: Any, failing: list, *, out: TextIO) -> int:
    from chalicelib.campaigns.catalogue import CAMPAIGNS_DIR, Campaigns
    from chalicelib.letters.reach import campaign_reach, reach_summary

    campaign = Campaigns(args.campaigns or CAMPAIGNS_DIR).get(args.campaign)
    report = campaign_reach(campaign, directory, stage=args.stage, failing=failing)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else reach_summary(report), file=out)
    return 0


def _export(args: argparse.Namespace, *, out: TextIO, overrides: Callable[[], Any], **_: Any) -> int:
    table = read_table(target_set_path(args.data, args.target_set))
    rows = [dict(row.cells) for row in table.rows]
    if args.overrides:
        corrections = {c.country: c for c in overrides().all() if c.target_set == args.target_set}
        for row in rows:
            c = corrections.get(row["alpha2"])
            if c is not None:  # what a reviewer needs to accept it: the page, and who said so and when
                row.update(c.cells(), evidence=c.evidence(), license="", verified_on="")
    out.write(render_csv(target_columns(rows), rows))
    return 0


def _override(args: argparse.Namespace, *, out: TextIO, err: TextIO, overrides: Callable[[], Any], **_: Any) -> int:
    from chalicelib.directory.overrides import CACHE_SECONDS
    from chalicelib.errors import DemarcheError

    store = overrides()
    if args.action == "list":
        corrections = store.all()
        if args.json:
            print(json.dumps([c.__dict__ for c in corrections], indent=2, ensure_ascii=False), file=out)
        for c in [] if args.json else corrections:
            print(
                f"{c.target_set}\t{c.country}\t{c.email}\t{c.address_kind}\t{c.source}\t{c.set_by} {c.set_at}", file=out
            )
        if not args.json:
            print(f"{len(corrections)} correction(s) in effect", file=err)
        return 0
    if args.action == "history":
        records = store.history(args.target_set, args.country and _directory(args.data).country(args.country).alpha2)
        if args.json:
            print(json.dumps(records, indent=2, ensure_ascii=False), file=out)
        for r in [] if args.json else records:
            print(_history_line(r), file=out)
        return 0
    who = f"cli: {args.by}"
    try:
        if args.action == "set":
            record = store.set(
                who,
                args.target_set,
                args.country,
                email=args.email,
                address_kind=args.kind,
                source=args.source,
                note=args.note,
            )
        else:
            record = store.clear(who, args.target_set, args.country, note=args.note)
    except DemarcheError as exc:
        print(f"{getattr(exc, 'field', 'error')}: {exc.message} Nothing was changed.", file=err)
        return 1
    if record is None:
        print(f"{args.target_set} {args.country}: no correction to clear", file=out)
        return 0
    print(_history_line(record), file=out)
    print(f"in effect for new letters within {int(CACHE_SECONDS)} s", file=err)
    return 0


def _history_line(r: dict) -> str:
    old, new = r["old"], r["new"]
    return (
        f"{r['at']}\t{r['action']}\t{r['target_set']}\t{r['country']}\t"
        f"{old['email'] or '-'} ({old['address_kind'] or '?'}) -> {new['email'] or '-'} ({new['address_kind'] or '?'})\t{r['who']}"
    )


def _health(
    args: argparse.Namespace,
    *,
    out: TextIO,
    err: TextIO,
    health: Callable[[], Any],
    clock: Callable[[], dt.datetime],
    **_: Any,
) -> int:
    from chalicelib.directory.index import Directory

    store = health()
    if args.action == "list":
        failing = store.all_failing()
        if args.json:
            print(json.dumps([f.__dict__ for f in failing], indent=2), file=out)
        for f in [] if args.json else failing:
            print(f"{f.target_set}\t{f.country}\tsince {f.since}\t{f.diagnostic}", file=out)
        if not args.json:
            print(f"{len(failing)} failing target(s)", file=err)
        return 0
    country = Directory(args.data).find_country(args.country)
    if country is None:
        print(f"unknown country {args.country!r}: use an ISO code such as KE or a name", file=err)
        return 1
    if args.action == "set":
        store.mark_failing(args.target_set, country.alpha2, args.diagnostic, clock())
        print(f"{args.target_set} {country.alpha2}: marked failing; letters use the fallbacks until cleared", file=out)
        return 0
    cleared = store.clear(args.target_set, country.alpha2)
    print(
        f"{args.target_set} {country.alpha2}: "
        + (f"cleared (failing since {cleared.since})" if cleared else "was not failing; nothing to clear"),
        file=out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
