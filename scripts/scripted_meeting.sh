#!/usr/bin/env bash
# The scripted meeting of issue 21: two local QSGs (South London, North West London) and
# their regional QSG over three months of 2019, every command echoed with its output (and
# its exit status when not 0). docs/register.md's "A scripted meeting" is its output, kept
# true by tests/test_scripted_meeting.py (regenerate: python tests/test_scripted_meeting.py).
#
# "Today" is set for each day of the story with QSG_TODAY; the records' own times are when
# the commands ran, so the output says <recorded at> for them, <sha256> for a hash, and
# the story's folder is where it runs.
# Usage: scripts/scripted_meeting.sh [FOLDER]   (an empty folder; default: a new one)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "${1:-$(mktemp -d)}" || exit 2
top="$PWD"
unset QSG_WORKSPACE
# what changes from one run to the next, said as such (the story's dates are 2019's)
normalise() {
  sed -E \
    -e "s#${top}#.#g" \
    -e 's/20[2-9][0-9]-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z/<recorded at>/g' \
    -e 's/20[2-9][0-9]-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}/<recorded at>/g' \
    -e 's/20[2-9][0-9]-[0-9]{2}-[0-9]{2}/<recorded on>/g' \
    -e 's/[0-9a-f]{64}/<sha256>/g'
}
show() {  # the command as it would be typed, quoting what needs it
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ [^A-Za-z0-9_./:=@,-] ]]; then out+=" \"${a//\"/\\\"}\""; else out+=" $a"; fi
  done
  printf '$%s\n' "$out"
}
run() {
  show "$@"
  "$@" 2>&1 | normalise
  local status=${PIPESTATUS[0]}
  [ "$status" -eq 0 ] || printf '[exit %s]\n' "$status"
  echo
}
say() { printf '$ %s\n\n' "$*"; }
today() {  # the day the next commands run on, said as a user would set it
  export QSG_TODAY="$1"
  say "export QSG_TODAY=$1"
}
chdir() { say "cd $1"; cd "$1" || exit 2; }

SL=(--qsg "South London" --chair "Dr Jo Chair" --by clerk)
NWL=(--qsg "North West London" --chair "Dr Lee Chair" -w ../west --by clerk)

# ---- 1. A workspace of one's own, each local QSG's
today 2019-04-01
run qsg init my-qsg --from-demo
run qsg init west --from-demo
chdir my-qsg
say "printf 'quorum: 2\n' >> settings.yaml"
printf 'quorum: 2\n' >> settings.yaml
run qsg triage --as-of 2019-02

# ---- 2. Members as records
run qsg member add CQC --representative "Ann Lee" --role "Inspection Manager" --contact "ann.lee@cqc.example"
run qsg member add "NHS Croydon CCG" --representative "Raj Patel" --role "Director of Quality"
run qsg member add "Healthwatch Croydon" --representative "Sam Fox" --role "Chief Officer"
run qsg member add "NHS Croydn CCG" --kind commissioner
run qsg member list

# ---- 4. The schedule and its business plan: monthly for the first three months
run qsg meeting open --planned --date 2019-04-10 --time 10:00 --venue "Croydon, Room 2" "${SL[@]}"
run qsg meeting open --planned --date 2019-05-15 --time 10:00 --venue "Sutton, Civic Offices" "${SL[@]}"
run qsg meeting open --planned --date 2019-06-12 --time 09:30 --venue "Kingston, Guildhall" "${SL[@]}"
run qsg plan set M-2019-05-15 --provider RAX --provider RJ1 --theme "Frail older people: delayed discharges" --by clerk
run qsg plan set M-2019-06-12 --provider RVR --theme "Safety in care homes" --by clerk
run qsg plan show
run qsg intel add --provider RJ6 --source "Healthwatch Croydon" --domain experience --severity moderate --grading B2 --summary "Families describe long corridor waits in the emergency department" --received 2019-03-28 --by "Sam Fox"

# ---- month 1: South London, 10 April
today 2019-04-10
run qsg meeting open --date 2019-04-10 "${SL[@]}"
M=M-2019-04-10
run qsg meeting attend $M --member "Ann Lee" --from 10:00 --to 12:00 --by clerk
run qsg meeting attend $M --member "Raj Patel" --from 10:15 --to 11:30 --by clerk
run qsg meeting attend $M --member "Sam Fox" --from 10:00 --to 11:00 --by clerk
say "printf 'Staffing below plan on nights in the emergency department\n' > ../cqc-quality-report.txt"
printf 'Staffing below plan on nights in the emergency department\n' > ../cqc-quality-report.txt
run qsg meeting report $M --author CQC --title "CQC quarterly quality report" --file ../cqc-quality-report.txt --confidential --by clerk
run qsg meeting report $M --author "Healthwatch Croydon" --title "Healthwatch briefing" --text "Families describe long corridor waits in the emergency department" --by clerk
run qsg meeting reports $M --public
run qsg agenda $M
run qsg confirm RJ6 --meeting $M --member "Ann Lee" --by clerk
run qsg override RJ6 --meeting $M --member "Raj Patel" --level regular_review --reason "The trust's ED improvement plan is agreed with commissioners" --by clerk
run qsg decide RJ6 --meeting $M --rationale "As proposed" --by clerk
run qsg decide RJ6 --meeting $M --level regular_review --rationale "Regular review while the improvement plan is tested; CQC's view recorded" --review-by 2019-06-12 --exit-criteria "Four-hour performance back within its control limits for two months" --at 10:45 --by "Dr Jo Chair"
run qsg confirm RJ7 --meeting $M --member "Ann Lee" --by clerk
run qsg confirm RJ7 --meeting $M --member "Raj Patel" --by clerk
run qsg decide RJ7 --meeting $M --rationale "As proposed: outcomes review awaited" --at 11:40 --by "Dr Jo Chair"
run qsg action add RJ6 --meeting $M --owner "NHS Croydon CCG" --due 2019-05-10 --text "Obtain the trust's ED improvement plan and share it before the next meeting" --by clerk
run qsg decide RJ2 --meeting $M --level further_information --rationale "Four-hour breaches with little soft intelligence: ask CQC what it found" --by "Dr Jo Chair"
run qsg action add RJ2 --meeting $M --kind information_request --owner CQC --due 2019-05-10 --text "The findings of the March inspection of urgent and emergency care" --by clerk
run qsg meeting item $M --kind aob --title "Winter planning" --text "Commissioners to share the winter plan in September" --by clerk
run qsg meeting item $M --kind review --title "Effectiveness" --text "Papers came late: circulate a week before" --by clerk
run qsg meeting agree $M --by "Dr Jo Chair"
run qsg decide RJ7 --meeting $M --level risk_summit --rationale "Changed our minds" --by clerk
run qsg note $M
run qsg note $M --public --out ../note-public.md
say "grep -A3 'Members' ../note-public.md"
grep -A3 "Members' reports" ../note-public.md | normalise
echo

# ---- month 1: North West London, 17 April (its own workspace, from here with -w)
today 2019-04-17
run qsg meeting open --date 2019-04-17 "${NWL[@]}"
run qsg meeting attend M-2019-04-17 --member "Kim Roe" --organisation CQC "${NWL[@]:4}"
run qsg decide RAS --meeting M-2019-04-17 --level regular_review --rationale "Four-hour waits and well-led concerns" "${NWL[@]:4}"
run qsg decide RJ6 --meeting M-2019-04-17 --level risk_summit --rationale "Patients from our area wait in Croydon's ED corridors" "${NWL[@]:4}"
run qsg action add RAS --meeting M-2019-04-17 --owner "NHS Hillingdon CCG" --due 2019-07-31 --text "Agree a well-led review with the trust board" "${NWL[@]:4}"
run qsg meeting agree M-2019-04-17 "${NWL[@]:4}"
today 2019-05-02
run qsg summit convene RJ6 --date 2019-05-02 --invite CQC --invite "NHS Croydon CCG" --invite RJ6 "${NWL[@]:4}"
run qsg summit held S-001 --present CQC --present "NHS Croydon CCG" --present RJ6 --outcome "The trust's ED recovery plan is agreed, with weekly staffing reports to commissioners" --level-after regular_review "${NWL[@]:4}"

# ---- month 2: South London, 15 May
today 2019-05-15
run qsg action respond A-002 --response "CQC's report: staffing below plan on nights, rated requires improvement" --on 2019-05-09 --by clerk
run qsg meeting open --date 2019-05-15 "${SL[@]}"
M=M-2019-05-15
run qsg meeting attend $M --as-last-time --by clerk
run qsg agenda $M --liaison ../west/register.sqlite
run qsg decide RAX --meeting $M --level no_concerns --rationale "Considered under the business plan: nothing of concern" --by "Dr Jo Chair"
run qsg decide RJ1 --meeting $M --level no_concerns --rationale "Considered under the business plan: nothing of concern" --by "Dr Jo Chair"
run qsg decide RJ2 --meeting $M --level regular_review --rationale "CQC's findings confirm the concern" --by "Dr Jo Chair"
run qsg meeting item $M --kind theme --title "Frail older people: delayed discharges" --provider RJ6 --provider RJ7 --concern "Discharges to care homes delayed for days" --level regular_review --by clerk
run qsg confirm T-1 --meeting $M --member "Ann Lee" --by clerk
run qsg override T-1 --meeting $M --member "Raj Patel" --level further_information --reason "The delays are winter's, now easing" --by clerk
run qsg decide T-1 --meeting $M --level regular_review --rationale "The delays persist into May" --by "Dr Jo Chair"
run qsg action add T-1 --meeting $M --owner "NHS Croydon CCG" --due 2019-06-10 --text "A joint view of delayed discharges from the CCGs" --by clerk
run qsg meeting agree $M --by "Dr Jo Chair"
run qsg note $M
run qsg coverage --on 2019-05-15 --qsg "South London"

# ---- the regional QSG: the local QSGs' registers, early June, and its feedback
today 2019-06-05
run qsg report regional register.sqlite ../west/register.sqlite --on 2019-06-05
run qsg report regional register.sqlite ../west/register.sqlite register.sqlite
run qsg feedback add --from "London regional QSG" --received 2019-06-05 --held-on 2019-06-05 --qsg "South London" --title "Four-hour waits across South London" --text "A joint view of ED waits across South London, please, and RJ6's summit outcome at the next regional meeting" --by clerk
run qsg feedback list

# ---- month 3: South London, 12 June
today 2019-06-12
run qsg meeting open --date 2019-06-12 "${SL[@]}"
M=M-2019-06-12
run qsg meeting attend $M --as-last-time --by clerk
run qsg agenda $M --liaison ../west/register.sqlite
run qsg decide RJ6 --meeting $M --level regular_review --rationale "No change: the recovery plan agreed at the summit is being tested" --by "Dr Jo Chair"
run qsg meeting open --date 2019-06-12 "${SL[@]}"
run qsg meeting cancel M-2019-06-12-2 --reason "Opened twice by mistake" --by clerk
run qsg meeting list
run qsg plan show --qsg "South London"
run qsg action list --on 2019-06-12
run qsg audit verify
