# tests/complete.zsh: what zsh's completion lists, for tests/docs.bats.
#
# zsh tests/complete.zsh COMPLETIONS OUTDIR LINE...
# Starts an interactive zsh on a pseudo-terminal (zsh/zpty) with compinit
# and the completions in COMPLETIONS, types each LINE and a Tab, and writes
# what the terminal showed to OUTDIR/1, OUTDIR/2, ... Every read waits for a
# marker the shell prints, never for a time; the caller bounds the whole run.
zmodload zsh/zpty || exit 3
dir=$1 out=$2
shift 2

# compinit reads every file on fpath: give it only the directories of the
# completion system itself, where zsh keeps them apart, and the one under
# test.
fns=(${(M)fpath:#*/Completion(|/Base|/Unix|/Zsh)})
(( $#fns )) || fns=($fpath)

zpty z env TERM=dumb zsh -f -i
# A tall, wide terminal, no pager, no menu: the whole list at once.
zpty -w z "stty rows 500 columns 120; PS1='<zp> '; fpath=(${(q)dir} ${(j: :)${(@q)fns}})"
zpty -w z "autoload -Uz compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-prompt ''"
zpty -w z "zstyle ':completion:*' menu no"
zpty -w z "unsetopt beep listambiguous; LISTMAX=10000; print READY-\$((6*7))"
# The marker and then the prompt: zle reads the next keys, not the tty.
zpty -r z got '*READY-42*<zp> *' || exit 4

integer n=0
for line; do
	(( n++ ))
	zpty -w -n z "$line"$'\t'
	# Ctrl-U clears the line; the marker is computed, so its echo differs.
	zpty -w -n z $'\C-u'
	zpty -w z "print END-\$(( $n * 1000 + 42 ))"
	zpty -r z got "*END-$(( n * 1000 + 42 ))*<zp> *" || exit 5
	print -r -- "$got" >"$out/$n"
done
zpty -d z
