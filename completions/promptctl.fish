# fish completion for promptctl. Options and prompt names come from `promptctl __complete`.

function __promptctl_complete
    set -l tokens (commandline -opc) (commandline -ct)
    promptctl __complete $tokens[2..-1] 2>/dev/null
end

set -l commands init new ls show vars render lint mv rm status commit
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a init -d 'Create a prompt repository'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a new -d 'Create a prompt file from a starter template'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a ls -d 'List prompts'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a show -d 'Show a prompt'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a vars -d 'List declared and used variables'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a render -d 'Render a prompt with variables'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a lint -d 'Check prompt files for problems'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a mv -d 'Rename a prompt'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a rm -d 'Delete prompts'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a status -d 'Show prompts changed since HEAD'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a commit -d 'Commit changed prompts'
complete -c promptctl -n "__fish_seen_subcommand_from $commands" -a '(__promptctl_complete)'
