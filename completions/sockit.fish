# completions/sockit.fish: fish completion for sockit; every list comes from the binary.
#
# Commands and their summaries come from `sockit --list-commands=help`,
# options and their arguments from `sockit CMD --list-options` (one line
# each: --long [-s] [ARG|a|b|c]) and with their help from `sockit CMD
# --list-options=help` (the same, a tab, the help), socket option names from
# `sockit --list-sockopts` (NAME, a tab, its help), --lang's languages from
# the "languages:" line of `sockit --version` and endpoint schemes from the
# "known:" list in the binary's error for an unknown scheme. Nothing
# here repeats the binary's tables; fish shows what follows a tab beside
# the word.

# The binary being completed: the word typed if it is a path, else $PATH's.
function __sockit_bin
    set -l tokens (commandline -opc)
    if string match -q -- '*/*' "$tokens[1]"; and test -x "$tokens[1]"
        echo $tokens[1]
    else
        echo sockit
    end
end

# __sockit_known BIN ARGS...: the words after "known: " in the error of ARGS.
function __sockit_known
    set -l text (command $argv 2>&1 >/dev/null)
    test (count $text) -gt 0; or return 1
    set -l found (string match -r -- 'known: ([^)]*)' $text)
    test (count $found) -ge 2; or return 1
    set -l list (string replace -a ',' '' -- "$found[2]")
    string split ' ' -- "$list" | string match -v -- ''
end

# __sockit_commands BIN: the commands, a tab and the summary of each.
function __sockit_commands -a bin
    set -l rows (command $bin --list-commands=help 2>/dev/null)
    # A binary older than =help lists the names alone.
    if test (count $rows) -eq 0
        set rows (command $bin --list-commands 2>/dev/null)
    end
    printf '%s\n' $rows
end

# __sockit_command: the first word after the global options.
function __sockit_command
    set -l rest (commandline -opc)
    set -e rest[1]
    set -l skip 0
    for word in $rest
        if test $skip = 1
            set skip 0
        else if test "$word" = --bufsize; or test "$word" = --lang
            # Its value is no command.
            set skip 1
        else if not string match -q -- '-*' "$word"
            echo $word
            return 0
        end
    end
    return 1
end

# __sockit_arg BIN CMD OPTION: the argument OPTION takes ("" for a flag).
function __sockit_arg -a bin cmd option
    for line in (command $bin $cmd --list-options 2>/dev/null)
        set -l parts (string split ' ' -- $line)
        if test (count $parts) -ge 2; and string match -qr -- '^-.$' "$parts[2]"
            if test "$option" = "$parts[1]"; or test "$option" = "$parts[2]"
                echo "$parts[3]"
                return 0
            end
        else if test "$option" = "$parts[1]"
            echo "$parts[2]"
            return 0
        end
    end
    return 1
end

# __sockit_values BIN ARG JOINED: the values of an option whose argument is
# ARG; JOINED is 1 when it is written --opt=VALUE.
function __sockit_values -a bin arg joined
    if string match -qr -- '^\[=.*\]$' "$arg"
        # An optional value such as "[=full,time]": only as --opt=VALUE.
        test "$joined" = 1; or return 0
        set arg (string sub -s 3 -e -1 -- "$arg")
        string split ',' -- "$arg"
        echo $arg
    else if string match -q -- '*|*' "$arg"
        string split '|' -- "$arg"
    else if test "$arg" = 'NAME=VALUE'
        # "NAME=", a tab, then the help fish shows beside it.
        command $bin --list-sockopts 2>/dev/null | string replace -r -- '\t' '=\t'
    else if test "$arg" = 'OPTNAME'
        command $bin --list-sockopts 2>/dev/null
    end
end

function __sockit_complete
    set -l bin (__sockit_bin)
    set -l cur (commandline -ct)
    set -l tokens (commandline -opc)
    set -l cmd (__sockit_command)

    if test -z "$cmd"
        if test "$tokens[-1]" = --lang
            command $bin --version 2>/dev/null | string replace -r -f -- '^languages: ' '' |
                string split ' '
        else if string match -q -- '-*' "$cur"
            printf '%s\n' --trace --trace=full --trace=bytes --trace=time \
                --trace=full,time --trace=full,bytes --textbook --textbook=select --step \
                --bufsize --lang --version --help
        else
            __sockit_commands $bin
        end
        return 0
    end
    if test "$cmd" = help
        if test "$tokens[-1]" = help
            __sockit_commands $bin | string match -v -r -- '^help(\t|$)'
            printf 'lessons\t%s\n' 'where the lesson plan is: sockit-lessons(7)'
        end
        return 0
    end

    # The value of an option: --opt=VALUE, or the word after the option.
    if string match -qr -- '^--[^=]+=' "$cur"
        set -l option (string replace -r -- '=.*' '' "$cur")
        set -l arg (__sockit_arg $bin $cmd $option)
        for value in (__sockit_values $bin "$arg" 1)
            echo "$option=$value"
        end
        return 0
    end
    set -l prev $tokens[-1]
    if string match -q -- '-*' "$prev"; and not string match -q -- '*=*' "$prev"
        set -l arg (__sockit_arg $bin $cmd $prev)
        if test -n "$arg"; and not string match -qr -- '^\[=' "$arg"
            __sockit_values $bin "$arg" 0
            return 0
        end
    end

    if string match -q -- '-*' "$cur"
        for line in (command $bin $cmd --list-options=help 2>/dev/null)
            # The option's words, then its help after the tab.
            set -l fields (string split -m 1 \t -- $line)
            set -l parts (string split ' ' -- $fields[1])
            set -l help ''
            test (count $fields) -ge 2; and set help \t$fields[2]
            echo $parts[1]$help
            if test (count $parts) -ge 2; and string match -qr -- '^-.$' "$parts[2]"
                echo $parts[2]$help
            end
        end
        return 0
    end

    # explain takes a code's name, its meaning beside it.
    if test "$cmd" = explain
        for line in (command $bin explain --list 2>/dev/null)
            string replace -r -- '^(\S+)\s+-?[0-9]+\s+' '$1\t' $line
        end
        return 0
    end

    # The endpoint: paths for unix sockets, else the schemes.
    switch "$cur"
        case 'unix*:@*' '*://*'
            return 0
        case 'unix:*' 'unix-dgram:*' 'unix-seqpacket:*'
            set -l scheme (string replace -r -- ':.*' '' "$cur")
            set -l path (string replace -r -- '^[^:]*:' '' "$cur")
            for file in (__fish_complete_path "$path")
                echo "$scheme:$file"
            end
        case '*/*' '.*' '~*'
            __fish_complete_path "$cur"
        case '*'
            if contains -- -U $tokens; or contains -- --unix $tokens
                __fish_complete_path "$cur"
            else if test -n "$cur"
                # In English, whatever the locale: the list follows "known: ".
                for scheme in (__sockit_known $bin --lang en connect nope://x:1)
                    if string match -q -- 'unix*' "$scheme"
                        echo "$scheme:"
                    else
                        echo "$scheme://"
                    end
                end
            end
    end
end

complete -c sockit -f -a '(__sockit_complete)'
