#!/bin/sh
# tools/po-check.sh [--update] [LANG...]: the messages of the code, each with
# a translation in po/LANG.po (es by default), none fuzzy; the untranslated
# and fuzzy ones are listed and the status is 1. --update merges the code's
# messages into po/LANG.po in place, for a translator to fill in.
set -u
cd "$(dirname "$0")/.." || exit 1
update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
[ $# -gt 0 ] || set -- es
for tool in xgettext msgmerge msgfmt msgattrib; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "po-check: $tool is missing (install with: sudo apt-get install gettext)" >&2
		exit 1
	}
done
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# The reporting functions translate their format in report.c, so their
# first argument is a message as _() is; a hint is the fourth argument of
# report_errno_hint and report_eai_call, the third of report_eai_hint,
# the fifth of report_failure_lines.
xgettext --language=C --from-code=UTF-8 --package-name=sockit \
    --add-comments=TRANSLATORS: --no-wrap \
    --keyword=_ --keyword=N_ --keyword=P_:1,2 \
    --keyword=report_usage --keyword=report_error --keyword=report_warning \
    --keyword=report_note --keyword=report_notice \
    --keyword=report_errno_hint:4 --keyword=report_eai_hint:3 \
    --keyword=report_eai_call:4 --keyword=report_failure_lines:5 \
    --flag=report_usage:1:c-format --flag=report_error:1:c-format \
    --flag=report_warning:1:c-format --flag=report_note:1:c-format \
    --flag=report_notice:1:c-format \
    --exclude-file=po/exclude.pot \
    -o "$work/sockit.pot" src/*.c src/*.h || exit 1

status=0
for lang in "$@"; do
	po=po/$lang.po
	if [ ! -f "$po" ]; then
		echo "po-check: $po does not exist" >&2
		status=1
		continue
	fi
	if [ "$update" = 1 ]; then
		msgmerge --quiet --update --backup=none --no-wrap "$po" \
		    "$work/sockit.pot" || exit 1
	fi
	msgmerge --quiet --no-wrap -o "$work/$lang.po" "$po" \
	    "$work/sockit.pot" || exit 1
	stats=$(msgfmt --check --statistics -o /dev/null "$work/$lang.po" 2>&1)
	rc=$?
	echo "$po: $stats"
	[ "$rc" -eq 0 ] || status=1
	for kind in untranslated only-fuzzy; do
		msgattrib --$kind --no-obsolete --no-wrap "$work/$lang.po" |
		    sed -n 's/^msgid "\(..*\)"$/\1/p' >"$work/$kind"
		if [ -s "$work/$kind" ]; then
			status=1
			echo "$po: ${kind#only-} messages:"
			sed 's/^/  /' "$work/$kind"
		fi
	done
done
exit $status
