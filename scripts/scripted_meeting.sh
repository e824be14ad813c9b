#!/usr/bin/env bash
# The scripted meeting of issue 7 (and the continuity of issue 16) on a copy of the demo,
# every command echoed with its output (and its exit status when not 0): docs/register.md's
# "A scripted meeting". The story happens in 2019: "today" is set for each part
# with QSG_TODAY (the records' own times are still when the commands ran).
# Usage: scripts/scripted_meeting.sh [FOLDER]   (default: a new temporary folder)
set -uo pipefail
cd "${1:-$(mktemp -d)}"
show() {  # the command as it would be typed, quoting what needs it
  local out="" a
  for a in "$@"; do
    if [[ "$a" =~ [^A-Za-z0-9_./:=@,-] ]]; then out+=" \"${a//\"/\\\"}\""; else out+=" $a"; fi
  done
  printf '$%s\n' "$out"
}
run() {
  show "$@"
  "$@" 2>&1
  local status=$?
  [ "$status" -eq 0 ] || printf '[exit %s]\n' "$status"
  echo
}
DEMO=$(python -c 'from qsgrules.bundled import demo_workspace; print(demo_workspace())')
rm -rf my-qsg west && cp -r "$DEMO" my-qsg && cp -r "$DEMO" west
printf 'business_cycle_months: 12\nquorum: 2\n' > my-qsg/settings.yaml
today() {  # the day the next commands run on, said as a user would set it
  export QSG_TODAY="$1"
  printf '$ export QSG_TODAY=%s\n\n' "$1"
}
M=M-2019-04-10
today 2019-04-10
run qsg meeting open -w my-qsg --date 2091-04-10 --chair "Dr Jo Chair" --qsg "South London" --by clerk
run qsg meeting open -w my-qsg --date 2019-04-10 --chair "Dr Jo Chair" --qsg "South London" --by clerk
run qsg meeting open -w my-qsg --planned --date 2019-06-12 --chair "Dr Jo Chair" --qsg "South London" --by clerk
run qsg meeting attend $M -w my-qsg --member "Ann Lee" --organisation CQC --from 10:00 --to 12:00 --by clerk
run qsg meeting attend $M -w my-qsg --member "Raj Patel" --organisation "NHS Croydon CCG" --from 10:15 --to 11:30 --by clerk
run qsg meeting attend $M -w my-qsg --member "Sam Fox" --organisation "Healthwatch Croydn" --by clerk
run qsg agenda $M -w my-qsg
run qsg confirm RJ6 --meeting $M --member "Ann Lee" -w my-qsg --by clerk
run qsg override RJ6 --meeting $M --member "Raj Patel" --level regular_review --reason "The trust's ED improvement plan is agreed with commissioners" -w my-qsg --by clerk
run qsg decide RJ6 --meeting $M --rationale "As proposed" -w my-qsg --by clerk
run qsg decide RJ6 --meeting $M --level regular_review --rationale "Regular review while the improvement plan is tested; CQC's view recorded" --review-by 2019-06-12 --exit-criteria "Four-hour performance back within its control limits for two months, and no open safety items" -w my-qsg --by "Dr Jo Chair"
run qsg confirm RJ7 --meeting $M --member "Ann Lee" -w my-qsg --by clerk
run qsg confirm RJ7 --meeting $M --member "Raj Patel" -w my-qsg --by clerk
run qsg decide RJ7 --meeting $M --rationale "As proposed: outcomes review awaited" -w my-qsg --by "Dr Jo Chair"
run qsg action add RJ6 --meeting $M --owner "NHS Croydon CCG" --due 2019-05-15 --text "Obtain the trust's ED improvement plan and share it before the next meeting" -w my-qsg --by clerk
run qsg decide RJ2 --meeting $M --level further_information --rationale "Four-hour breaches with little soft intelligence: ask CQC what it found" -w my-qsg --by "Dr Jo Chair"
run qsg action add RJ2 --meeting $M --kind information_request --owner CQC --due 2019-05-31 --text "The findings of the March inspection of urgent and emergency care" -w my-qsg --by clerk
run qsg meeting list -w my-qsg
run qsg meeting agree $M -w my-qsg --by "Dr Jo Chair"
run qsg decide RJ7 --meeting $M --level risk_summit --rationale "Changed our minds" -w my-qsg --by clerk
run qsg meeting amend $M --reason "The chair corrected the review date after the meeting" --provider RJ6 --review-by 2019-06-26 -w my-qsg --by "Dr Jo Chair"
run qsg note $M -w my-qsg
printf "$ qsg note %s --format html -w my-qsg > note.html\n\n" "$M"
qsg note $M --format html -w my-qsg > note.html
run qsg triage -w my-qsg
run qsg explain RJ6 -w my-qsg --format text
today 2019-06-12
run qsg action respond A-002 --response "CQC's report: staffing below plan on nights, rated requires improvement" --on 2019-06-03 -w my-qsg --by clerk
run qsg meeting open -w my-qsg --date 2019-06-12 --chair "Dr Jo Chair" --qsg "South London" --by clerk
run qsg agenda M-2019-06-12 -w my-qsg
run qsg decide RJ6 --meeting M-2019-06-12 --level regular_review --rationale "No change: the improvement plan is being tested" -w my-qsg --by "Dr Jo Chair"
run qsg meeting open -w my-qsg --date 2019-06-12 --chair "Dr Jo Chair" --qsg "South London" --by clerk
run qsg meeting cancel M-2019-06-12-2 --reason "Opened twice by mistake" -w my-qsg --by clerk
run qsg meeting list -w my-qsg
run qsg action move A-001 --due 2019-06-05 --reason "The trust board approves the plan on 4 June" -w my-qsg --by clerk
run qsg action list -w my-qsg --overdue --on 2019-06-12
run qsg action close A-001 --note "Plan received and circulated" --on 2019-06-04 -w my-qsg --by clerk
run qsg action list -w my-qsg
run qsg coverage -w my-qsg --on 2019-06-12 --months 6
run qsg audit verify -w my-qsg
cp my-qsg/register.sqlite tampered.sqlite
run sqlite3 tampered.sqlite "UPDATE records SET body = replace(body, 'regular_review', 'no_concerns') WHERE kind = 'decision' AND provider = 'RJ6'"
run qsg audit verify --register tampered.sqlite
W=(-w west --by clerk)
run qsg meeting open --date 2019-04-17 --chair "Dr Lee Chair" --qsg "North West London" "${W[@]}"
run qsg decide RAS --meeting M-2019-04-17 --level regular_review --rationale "Four-hour waits and well-led concerns" "${W[@]}"
run qsg decide RJ6 --meeting M-2019-04-17 --level risk_summit --rationale "Patients from our area wait in Croydon's ED corridors" "${W[@]}"
run qsg meeting agree M-2019-04-17 "${W[@]}"
run qsg summit convene RJ6 --date 2019-05-02 --invite CQC --invite "NHS Croydon CCG" --invite "Healthwatch Croydon" --invite RJ6 "${W[@]}"
run qsg summit held S-001 --present CQC --present "NHS Croydon CCG" --present RJ6 --outcome "The trust's ED recovery plan is agreed, with weekly staffing reports to commissioners" --level-after regular_review "${W[@]}"
run qsg report regional my-qsg/register.sqlite west/register.sqlite --on 2019-06-12
