# bash completion for promptctl. Options, prompt names and revisions come from `promptctl __complete`.
# Commands: init new ls search dupes show vars render lint mv rm status commit
#   log diff branch switch merge release releases restore clone remote fetch pull push
#   test run runs rerun stats feedback cache
#   env approve reject approvals pending deploy promote rollback deploys guard check export audit
#   compare experiment
_promptctl() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local IFS=$'\n'
  local candidates
  candidates=$(promptctl __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [[ -n $candidates ]]; then
    COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
  else
    COMPREPLY=()  # complete -o default falls back to file names
  fi
}
complete -o default -F _promptctl promptctl
