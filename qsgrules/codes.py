"""The catalogue of problem codes: every code qsgrules reports, once, with what it means.

A problem's code (``Problem.code``, ``QSG`` and three digits) is what tools match on, so it
is stable: a code is defined here and nowhere else (modules name ``Code.X``; a test finds
any ``"QSGnnn"`` written elsewhere), two members never share a value (``@unique``), and a
code that is no longer reported is listed in ``RETIRED``, never given to another problem.
The documentation's list of codes is generated from this catalogue (``reference_markdown``)
when the site is built. A new kind of problem is a new member here, with the next free number
of its area, and its summary.
"""

from __future__ import annotations

from enum import StrEnum, unique

__all__ = ["AREAS", "RETIRED", "Code", "reference_markdown"]


@unique
class Code(StrEnum):
    """A problem code: its value is the code (``"QSG381"``), ``summary`` what it means."""

    summary: str

    def __new__(cls, code: str, summary: str) -> Code:
        member = str.__new__(cls, code)
        member._value_ = code
        member.summary = summary
        return member

    # --------------------------------------------------------------- 1xx: `qsg check`
    NEVER_HOLDS = (
        "QSG101",
        "a condition that can never hold: a test not configured for that indicator, an "
        "indicator with no tests, a domain with no tested indicator",
    )
    THRESHOLD_OUT_OF_RANGE = (
        "QSG102",
        "a threshold outside what the condition can measure: above the number of things it "
        "counts, a ceiling below zero, a standard's limit outside the values its indicator "
        "can take",
    )
    CONTRADICTION = "QSG103", "conditions that contradict each other under one `all`"
    NOT_MONOTONE = (
        "QSG104",
        "a non-monotone construct: `not` over evidence, or a ceiling (`max`) on evidence, so "
        "that more or worse evidence can lower the level",
    )
    ALWAYS_HOLDS = "QSG105", "a condition that always holds (a floor at or below zero)"
    UNUSED_SETTING = (
        "QSG106",
        "settings no rule uses: an indicator's tests whose breaches no rule counts; soft "
        "weights when no rule looks at soft intelligence",
    )
    DUPLICATE_RULE = "QSG107", "a rule with the same condition and level as an earlier one"
    SHADOWED_RULE = (
        "QSG108",
        "a rule always shadowed: whenever it fires, a rule of a higher level fires too",
    )
    CITED_ACROSS_SCOPES = (
        "QSG109",
        "a `because` citing soft evidence ({cited_soft}, {cited_sources}) gathered across "
        "soft conditions of different scopes (domain, category, source)",
    )
    LIMITS_CONFLICT = (
        "QSG110",
        "a cap and a floor that can hold at once with the floor above the cap (the floor "
        "stands), or exit criteria that can never hold (the level could never come down)",
    )

    # --------------------------------------------------------------- 2xx: rulesets
    RULESET_SCHEMA = "QSG200", "a ruleset's structure: a missing, unknown or mistyped key"
    CONDITION_KIND = "QSG210", "a condition of no known kind, or not a one-key mapping"
    CONDITION_KEY = "QSG211", "a key a condition's kind does not take"
    CONDITION_VALUE = "QSG212", "a value a condition's key does not take"
    CONDITION_SIZE = "QSG213", "a rule too large for the engine (comparisons, all/any groups)"
    CONDITION_CATEGORY = "QSG214", "an item category the ruleset's soft.categories lacks"
    INDICATOR_SETTINGS = (
        "QSG220",
        "an indicator's settings: an unknown indicator, a test it cannot take, limits that "
        "contradict each other",
    )
    DUPLICATE_RULE_ID = "QSG230", "two rules with one id"
    BECAUSE_PLACEHOLDER = "QSG231", "a `because` placeholder that names no value"

    # --------------------------------------------------------------- 3xx: workspace files
    NOT_A_REGULAR_FILE = "QSG301", "an input that is not a regular file (a folder, a FIFO)"
    FILE_TOO_LARGE = "QSG302", "an input file over its size limit"
    NOT_UTF8 = "QSG303", "an input file that is not UTF-8 text"
    UNREADABLE = "QSG304", "an input file that cannot be read"
    YAML_SYNTAX = "QSG310", "YAML that does not parse"
    YAML_ALIAS = "QSG311", "more YAML aliases than allowed (they can expand without bound)"
    YAML_DEPTH = "QSG312", "YAML nested deeper than allowed"
    YAML_KEY = "QSG313", "a YAML key that is not a plain scalar (merge keys, complex keys)"
    YAML_VALUE = "QSG314", "a YAML value that cannot be read (an unsupported tag...)"
    CSV_EMPTY = "QSG320", "an empty CSV file"
    CSV_COLUMNS = "QSG321", "a CSV file without the columns its format requires"
    CSV_FIELDS = "QSG322", "a CSV row with more or fewer fields than its header"
    CSV_MALFORMED = "QSG323", "CSV that does not parse (a quote not closed...)"
    MEMBER = "QSG330", "a members.csv row: no name, an unknown kind, a name twice"
    INTAKE_SHAPE = "QSG340", "an intelligence file that is not a list of items (mappings)"
    INTAKE_COLUMN = "QSG341", "an intelligence.csv column that is not an item's field"
    ITEM_PROVIDER = "QSG350", "a soft item naming a provider not in providers.csv"
    ITEM_SOURCE = "QSG351", "a soft item from a source that is not a member organisation"
    ITEM_INVALID = "QSG352", "a soft item's field of the wrong kind or value"
    ITEM_DUPLICATE_ID = "QSG353", "two soft items with one id"
    ITEM_REFERENCE = "QSG354", "a duplicate_of or corroborates naming no item"
    ITEM_CYCLE = "QSG355", "duplicate_of links that go round in a circle"
    ITEM_FUTURE = "QSG356", "a soft item received after today"
    ROW_COUNT_COLUMNS = "QSG360", "indicators.csv with one of numerator and denominator only"
    ROW_PROVIDER = "QSG361", "an indicator row naming a provider not in providers.csv"
    ROW_INDICATOR = "QSG362", "an indicator row naming no catalogue indicator"
    ROW_PERIOD = "QSG363", "an indicator row's period that is not a YYYY-MM month"
    ROW_COUNTS = "QSG364", "an indicator row's numerator or denominator that is not a count"
    ROW_VALUE = "QSG365", "an indicator row's value that is not a number, or not its counts' ratio"
    ROW_DUPLICATE = "QSG366", "two rows for one provider, indicator and month"
    ROW_RANGE = "QSG367", "a value the indicator cannot take"
    ROW_FUTURE = "QSG368", "a row for a month after today's"
    ROW_NONE = "QSG369", "indicators.csv with no row"
    PROVIDER_DUPLICATE = "QSG370", "two providers with one code"
    PROVIDER_TYPE = "QSG371", "a provider type that is not one of the known types"
    PROVIDER_INVALID = "QSG372", "a providers.csv row with a bad code, name or QSG"
    WORKSPACE_FILE_MISSING = "QSG380", "a workspace without providers.csv or indicators.csv"
    NO_SUCH_WORKSPACE = "QSG381", "no such workspace folder"
    WORKSPACE_NO_DATA = "QSG382", "providers with no indicator data and no soft intelligence"
    INTAKE_EMPTY = "QSG383", "an intelligence file with no item"
    BAD_WORKSPACE_VARIABLE = "QSG384", "a QSG_WORKSPACE that names no folder"
    NO_OWN_WORKSPACE = "QSG385", "a command that writes, with no workspace of one's own found"
    INTEL_ID_EXISTS = "QSG390", "`qsg intel add`: an item id already used"
    INTEL_REFERENCE = "QSG391", "`qsg intel add`: a link to an item that is not there"
    INTEL_NO_ITEM = "QSG392", "`qsg intel close`: no item with that id"
    INTEL_CLOSED = "QSG393", "`qsg intel close`: an item already closed"
    INTEL_LAYOUT = "QSG394", "an intelligence file laid out so it cannot be appended to"
    INTEL_COLUMNS = "QSG395", "an intelligence.csv whose columns an item cannot be added to"

    # --------------------------------------------------------------- 4xx: free text
    TEXT_CONTROL = "QSG401", "control, bidirectional or invisible characters in text"
    TEXT_IDENTIFIER = "QSG402", "what looks like a patient or staff identifier in text"
    PRIVACY_FOUND = "QSG403", "`qsg privacy scan`: a possible identifier in a file"
    TEXT_TOO_LONG = "QSG404", "text over its size limit"

    # --------------------------------------------------------------- 5xx: a triage's arguments
    BAD_AS_OF = "QSG501", "an --as-of that is not a month"
    UNKNOWN_PROVIDER = "QSG502", "a provider code the workspace does not have"
    NO_DATA_NO_AS_OF = "QSG503", "no data and no --as-of: no month to triage as of"
    UNKNOWN_ITEM_CATEGORY = "QSG504", "an item's category the ruleset does not know"
    BAD_ON = "QSG505", "an --on that is not a date (YYYY-MM-DD)"
    DATA_AFTER_DATE = (
        "QSG506",
        "an --as-of month after the --on date's: data are never later than the date",
    )

    # --------------------------------------------------------------- 6xx: the register
    NOT_A_REGISTER = "QSG600", "no register at the path given, or a file that is not one"
    NO_REGISTER_PLACE = "QSG601", "nowhere to write a register (the bundled demo is read-only)"
    UNKNOWN_MEETING = "QSG602", "no meeting with that id"
    REGISTER_UNKNOWN_PROVIDER = "QSG603", "a provider not in the meeting's triage"
    NOT_ATTENDING = "QSG604", "a member not recorded as attending"
    UNKNOWN_ORGANISATION = "QSG605", "an organisation that is not a member"
    BAD_LEVEL = "QSG606", "a level that is not one of the ladder's"
    BAD_DATE = "QSG607", "a date that is not a date (YYYY-MM-DD)"
    MEETING_LOCKED = "QSG608", "a meeting already agreed: its record is locked"
    NO_CONSENSUS = "QSG609", "a decision without a level where members did not all confirm"
    NO_POSITIONS = "QSG610", "a decision without a level where no member took a position"
    IDENTIFIER_IN_TEXT = "QSG611", "an identifier in free text of the record"
    TEXT_REQUIRED = "QSG612", "empty text where the record needs some"
    UNKNOWN_ACTION = "QSG613", "no action with that id"
    BAD_SETTINGS = "QSG614", "a workspace's settings.yaml (business cycle, quorum)"
    BAD_TIME = "QSG615", "a time that is not HH:MM, or an end not after the start"
    UNKNOWN_QSG = "QSG616", "a local QSG not named in providers.csv"
    NOT_AGREED = "QSG617", "an amendment to a meeting not yet agreed"
    NOTHING_TO_AMEND = "QSG619", "an amendment that changes nothing"
    ACTION_CLOSED = "QSG620", "an action already closed"
    LOOK_ALIKE = "QSG621", "an attendee who looks like one already attending"
    REGISTER_BUSY = "QSG622", "a register held by another writer for too long"
    DISK_FULL = "QSG623", "a full disk: nothing was written"
    REGISTER_DAMAGED = "QSG624", "a damaged register, or a record this version cannot read"
    REGISTER_READ_ONLY = "QSG625", "a register on read-only storage, for a write"
    DUPLICATE_REGISTER = "QSG626", "one register given twice to the regional report"
    BAD_ANCHOR = "QSG627", "a chain head that is not SEQ:HASH, or a file that prints none"
    FUTURE_DATE = "QSG640", "a date after today"
    BEFORE_DATA = "QSG641", "a meeting on or before the end of its data's month"
    BEFORE_MEETING = "QSG642", "a date before its meeting"
    BEFORE_IT_EXISTED = "QSG643", "closed or moved before it existed"
    MEETING_CANCELLED = "QSG644", "a cancelled meeting"
    MEETING_PLANNED = "QSG645", "a planned meeting not yet open"
    CANNOT_CANCEL = "QSG646", "an agreed meeting, which cannot be cancelled"
    CONFLICTING_OPTIONS = "QSG647", "options given together that exclude each other"
    UNKNOWN_SUMMIT = "QSG648", "no risk summit with that id"
    SUMMIT_PENDING = "QSG649", "a risk summit already pending for the provider"
    SUMMIT_STATE = "QSG650", "a risk summit not in the state this needs (held, pending)"
    NOT_A_REQUEST = "QSG651", "a response to what is not an information request"
    NOT_IN_FUTURE = "QSG652", "a planned date not in the future"
    BAD_MONTHS = "QSG653", "a number of months to look back out of range"
    BAD_REBASE = "QSG660", "a rebase that cannot be recorded (a later month, twice)"
    REBASE_INDICATOR = "QSG661", "a rebase of an unknown indicator"
    REPORT_FILE_TAKEN = "QSG670", "a member's report whose name is kept for another file"

    # --------------------------------------------------------------- 7xx: synth and tools
    SYNTH_PROVIDERS = "QSG700", "`qsg synth`: a number of providers out of range"
    SYNTH_MONTHS = "QSG701", "`qsg synth`: a number of months out of range"
    SYNTH_ITEMS = "QSG702", "`qsg synth`: a number of items out of range"
    SYNTH_SEED = "QSG703", "`qsg synth`: a negative seed"
    SYNTH_END = "QSG704", "`qsg synth`: a last month that is not a month, or in the future"
    SYNTH_MISSING = "QSG705", "`qsg synth`: a share of missing rows out of range"
    SYNTH_OUT_EXISTS = "QSG706", "`qsg synth`: an --out that is there and not empty"
    SYNTH_CANNOT_WRITE = "QSG707", "`qsg synth`: an --out that cannot be written"
    VERIFY_OUT_EXISTS = "QSG750", "`qsg verify`: an --out that is there and not empty"
    BACKTEST_MONTH = "QSG760", "`qsg backtest`, `qsg diff`: a --from or --to that is not a month"
    BACKTEST_RANGE = "QSG761", "`qsg backtest`, `qsg diff`: months out of order or too many"
    CLUSTER = (
        "QSG762",
        "`qsg backtest --dask/--scheduler`: Dask not installed, the scheduler unreachable, or "
        "a ruleset with no text to ship",
    )
    DIFF_MONTHS = "QSG763", "`qsg diff`: --as-of with --from/--to, or one of --from/--to alone"
    SCENARIO_SHAPE = "QSG770", "a scenario file's structure"
    SCENARIO_WORKSPACE = "QSG771", "a scenario's inline workspace"
    SCENARIO_EXPECTATION = "QSG772", "a scenario's expectation"
    SCENARIO_RULESET = "QSG773", "a scenario's ruleset: outside the root, or not a ruleset"
    INIT_EXISTS = "QSG780", "`qsg init`: a DIR that is there and not empty"
    INIT_CANNOT_WRITE = "QSG781", "`qsg init`: a DIR that cannot be written"

    # --------------------------------------------------------------- 8xx: files written
    FOLDER_GIVEN = "QSG800", "a folder given where a file is written"
    NO_FOLDER = "QSG801", "no such folder to write into"
    CANNOT_WRITE = "QSG802", "a file that cannot be written"
    NOT_REGULAR = "QSG803", "a path to write that is not a regular file"
    SYMLINK = "QSG804", "a symbolic link where a file is written"
    MEETING_WITH_DATE = "QSG850", "a pack's --meeting with --as-of or --on"
    NOT_IN_FROZEN_TRIAGE = "QSG851", "a pack's --provider not in the meeting's frozen triage"
    CANNOT_LISTEN = "QSG852", "`qsg serve`: the address or port cannot be listened on"
    UNKNOWN_INDICATOR = "QSG853", "the live page: a chart of an indicator not in the catalogue"
    NO_SUCH_MONTH = "QSG854", "the live page: a chart as of a month without data"
    NOT_CONFIRMED = "QSG855", "the live page: agreeing a meeting without ticking the box"


#: Codes once reported and no longer: never given to another problem.
RETIRED: frozenset[str] = frozenset()

#: What each hundred of codes is about, for the reference.
AREAS: dict[str, str] = {
    "1": "the ruleset analysis of `qsg check` (warnings; errors with `--strict`)",
    "2": "rulesets",
    "3": "workspace files",
    "4": "free text",
    "5": "the arguments of a triage",
    "6": "the register",
    "7": "`qsg synth` and the ruleset tools",
    "8": "files written, the meeting pack and `qsg serve`",
}


def reference_markdown() -> str:
    """Every code with its meaning, by area (the documentation's "Problem codes")."""
    lines = ["| code | problem |", "|---|---|"]
    area = ""
    for code in sorted(Code, key=str):
        if code[3] != area:
            area = code[3]
            lines.append(f"| **{area}xx** | **{AREAS[area]}** |")
        lines.append(f"| {code.value} | {code.summary} |")
    return "\n".join(lines) + "\n"
