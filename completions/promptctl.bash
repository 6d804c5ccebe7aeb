# bash completion for promptctl. Options, prompt names and revisions come from `promptctl __complete`.
# Commands: init new ls search dupes show vars render lint edit mv rm status commit
#   log diff branch switch merge release releases restore clone remote fetch pull push
#   test run runs rerun stats feedback cache ledger
#   env approve reject approvals pending deploy promote rollback deploys guard check export serve
#   audit
#   compare experiment completion version
# Candidates come back already matched against the word being completed, one per line. They are
# taken as they are: never through compgen -W or an unquoted expansion, which would run '$(…)'
# or expand globs inside a branch or tag name.
_promptctl() {
  local candidates
  candidates=$(promptctl __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [[ -n $candidates ]]; then
    mapfile -t COMPREPLY <<<"$candidates"
    if [[ ${COMPREPLY[0]} == *= ]]; then
      compopt -o nospace 2>/dev/null  # "--var NAME=": the value follows the '=' directly
    fi
  else
    COMPREPLY=()  # complete -o default falls back to file names
  fi
}
complete -o default -F _promptctl promptctl
