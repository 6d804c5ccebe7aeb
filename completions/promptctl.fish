# fish completion for promptctl. Options, prompt names and revisions come from `promptctl __complete`.

function __promptctl_complete
    set -l tokens (commandline -opc) (commandline -ct)
    promptctl __complete $tokens[2..-1] 2>/dev/null
end

# File names only where promptctl offers nothing (--var-file, -o): never mixed into the
# environments, revisions or prompt names it knows.
function __promptctl_offers_nothing
    set -l candidates (__promptctl_complete)
    test (count $candidates) -eq 0
end

set -l commands init new ls search dupes show vars render lint edit mv rm status commit log diff branch switch merge release releases restore clone remote fetch pull push test run runs rerun stats feedback cache ledger env approve reject approvals pending deploy promote rollback deploys guard check export serve audit compare experiment completion version
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a init -d 'Create a prompt repository'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a new -d 'Create a prompt file from a starter template'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a ls -d 'List prompts'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a search -d 'Find prompts by words (ranked) or by meaning'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a dupes -d 'Find near-duplicate prompts'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a show -d 'Show a prompt'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a vars -d 'List declared and used variables'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a render -d 'Render a prompt with variables'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a lint -d 'Check prompt files for problems'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a edit -d 'Edit a prompt in your editor, saved when it lints clean'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a mv -d 'Rename a prompt'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a rm -d 'Delete prompts'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a status -d 'Show prompts changed since HEAD'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a commit -d 'Commit changed prompts'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a log -d 'Show a prompt\'s versions or the repository\'s history'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a diff -d 'Show prompt-aware differences between versions'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a branch -d 'List, create or delete branches'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a switch -d 'Switch to another branch'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a merge -d 'Merge a branch into the current branch'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a release -d 'Tag a prompt\'s committed version as a release'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a releases -d 'List a prompt\'s releases'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a restore -d 'Bring an earlier version of a prompt back'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a clone -d 'Clone a prompt repository'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a remote -d 'List or add remotes'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a fetch -d 'Fetch commits, tags and notes from a remote'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a pull -d 'Fetch from a remote and merge its branch'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a push -d 'Push the branch, tags and notes to a remote'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a test -d 'Run prompts\' tests and grade the answers'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a run -d 'Render a prompt, call its model and record the run'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a runs -d 'List, show, prune, export and import recorded runs'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a rerun -d 'Send a recorded run\'s request again'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a stats -d 'Summarise recorded runs'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a feedback -d 'Record a score for a run'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a cache -d 'Show or clear the response cache and the compiled prompts'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a ledger -d 'Show where runs are recorded, or migrate it'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a env -d "List environments, their policy and their pins"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a approve -d "Approve a prompt version for a stage"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a reject -d "Reject a prompt version at a stage"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a approvals -d "Show a version's approvals"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a pending -d "List versions waiting for approvals"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a deploy -d "Pin a prompt version in an environment"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a promote -d "Deploy what one environment pins to another"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a rollback -d "Move an environment's pin back"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a deploys -d "Show the deploy and rollback history"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a guard -d "Roll back pins that cross thresholds"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a check -d "Verify every pin against its policy"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a export -d "Write an environment's prompts as a JSON bundle"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a serve -d 'Serve prompts to applications over HTTP'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a audit -d "Show who changed, approved and deployed what"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a compare -d "Compare two prompt versions or models with statistics"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a experiment -d "List, start, stop, report and promote experiments"
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a completion -d 'Print the shell completion script'
complete -c promptctl -n "not __fish_seen_subcommand_from $commands" -f -a version -d 'Show the version of promptctl'
complete -c promptctl -n "__fish_seen_subcommand_from $commands" -f -a '(__promptctl_complete)'
complete -c promptctl -n "__fish_seen_subcommand_from $commands; and __promptctl_offers_nothing" -F
