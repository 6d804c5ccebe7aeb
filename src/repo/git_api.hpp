// libgit2's functions, resolved from the library on first use. Everything in src/repo calls
// libgit2 through `git()`, never directly, so that commands that do not touch git do not pay
// for loading libgit2 and its dependencies (several milliseconds at every start-up).
#pragma once

#include <git2.h>

namespace promptctl::repo {

// Every libgit2 function promptctl uses. To use another, add it here.
#define PROMPTCTL_GIT_FUNCTIONS(X)         \
  X(git_libgit2_init)                      \
  X(git_libgit2_version)                   \
  X(git_libgit2_shutdown)                  \
  X(git_error_last)                        \
  X(git_buf_dispose)                       \
  X(git_repository_discover)               \
  X(git_repository_open)                   \
  X(git_repository_free)                   \
  X(git_repository_workdir)                \
  X(git_repository_init_ext)               \
  X(git_repository_open_ext)               \
  X(git_repository_is_empty)               \
  X(git_revparse_single)                   \
  X(git_object_peel)                       \
  X(git_object_id)                         \
  X(git_object_free)                       \
  X(git_oid_tostr_s)                       \
  X(git_commit_tree)                       \
  X(git_tree_free)                         \
  X(git_tree_entry_bypath)                 \
  X(git_tree_entry_free)                   \
  X(git_tree_entry_id)                     \
  X(git_tree_entry_type)                   \
  X(git_blob_lookup)                       \
  X(git_blob_free)                         \
  X(git_blob_rawcontent)                   \
  X(git_blob_rawsize)                      \
  X(git_reference_list)                    \
  X(git_strarray_dispose)                  \
  X(git_repository_path)                   \
  X(git_repository_state)                  \
  X(git_repository_index)                  \
  X(git_status_list_new)                   \
  X(git_status_list_entrycount)            \
  X(git_status_byindex)                    \
  X(git_status_list_free)                  \
  X(git_index_new)                         \
  X(git_index_free)                        \
  X(git_index_read_tree)                   \
  X(git_index_add)                         \
  X(git_index_remove)                      \
  X(git_index_add_bypath)                  \
  X(git_index_remove_bypath)               \
  X(git_index_write)                       \
  X(git_index_open)                        \
  X(git_index_write_tree_to)               \
  X(git_blob_create_from_disk)             \
  X(git_reference_name_to_id)              \
  X(git_commit_lookup)                     \
  X(git_commit_free)                       \
  X(git_commit_tree_id)                    \
  X(git_commit_create)                     \
  X(git_commit_create_buffer)              \
  X(git_commit_create_with_signature)      \
  X(git_commit_extract_signature)          \
  X(git_oid_equal)                         \
  X(git_signature_new)                     \
  X(git_signature_default)                 \
  X(git_signature_free)                    \
  X(git_repository_head)                   \
  X(git_reference_shorthand)               \
  X(git_reference_free)                    \
  X(git_revwalk_new)                       \
  X(git_revwalk_free)                      \
  X(git_revwalk_sorting)                   \
  X(git_revwalk_push)                      \
  X(git_revwalk_next)                      \
  X(git_commit_parentcount)                \
  X(git_commit_parent_id)                  \
  X(git_commit_parent)                     \
  X(git_commit_author)                     \
  X(git_commit_committer)                  \
  X(git_commit_message)                    \
  X(git_commit_time)                       \
  X(git_commit_id)                         \
  X(git_oid_fromstr)                       \
  X(git_diff_options_init)                 \
  X(git_diff_tree_to_tree)                 \
  X(git_diff_find_options_init)            \
  X(git_diff_find_similar)                 \
  X(git_diff_num_deltas)                   \
  X(git_diff_get_delta)                    \
  X(git_diff_free)                         \
  X(git_odb_hash)                          \
  X(git_diff_tree_to_workdir_with_index)   \
  X(git_patch_from_buffers)                \
  X(git_patch_free)                        \
  X(git_patch_num_hunks)                   \
  X(git_patch_get_hunk)                    \
  X(git_patch_get_line_in_hunk)            \
  X(git_branch_lookup)                     \
  X(git_branch_name_is_valid)              \
  X(git_branch_iterator_new)               \
  X(git_branch_iterator_free)              \
  X(git_branch_next)                       \
  X(git_branch_name)                       \
  X(git_reference_target)                  \
  X(git_branch_is_head)                    \
  X(git_repository_head_detached)          \
  X(git_reference_lookup)                  \
  X(git_reference_symbolic_target)         \
  X(git_branch_create)                     \
  X(git_branch_delete)                     \
  X(git_graph_descendant_of)               \
  X(git_reference_peel)                    \
  X(git_checkout_options_init)             \
  X(git_checkout_tree)                     \
  X(git_repository_set_head)               \
  X(git_status_options_init)               \
  X(git_annotated_commit_lookup)           \
  X(git_annotated_commit_free)             \
  X(git_index_conflict_iterator_new)       \
  X(git_index_conflict_next)               \
  X(git_index_conflict_iterator_free)      \
  X(git_index_write_tree)                  \
  X(git_tree_lookup)                       \
  X(git_repository_state_cleanup)          \
  X(git_merge_analysis)                    \
  X(git_merge_options_init)                \
  X(git_merge)                             \
  X(git_index_has_conflicts)               \
  X(git_repository_set_head_detached)      \
  X(git_reference_create)                  \
  X(git_repository_mergehead_foreach)      \
  X(git_repository_message)                \
  X(git_reset)                             \
  X(git_tag_free)                          \
  X(git_tag_list_match)                    \
  X(git_object_type)                       \
  X(git_tag_message)                       \
  X(git_tag_tagger)                        \
  X(git_tag_name_is_valid)                 \
  X(git_tag_create)                        \
  X(git_remote_free)                       \
  X(git_credential_ssh_key_from_agent)     \
  X(git_credential_userpass_plaintext_new) \
  X(git_remote_lookup)                     \
  X(git_remote_get_fetch_refspecs)         \
  X(git_fetch_options_init)                \
  X(git_remote_fetch)                      \
  X(git_clone_options_init)                \
  X(git_clone)                             \
  X(git_remote_list)                       \
  X(git_remote_url)                        \
  X(git_remote_pushurl)                    \
  X(git_remote_name_is_valid)              \
  X(git_remote_create)                     \
  X(git_branch_upstream_remote)            \
  X(git_push_options_init)                 \
  X(git_remote_push)                       \
  X(git_branch_set_upstream)               \
  X(git_repository_head_unborn)            \
  X(git_odb_free)                          \
  X(git_odb_object_free)                   \
  X(git_odb_read)                          \
  X(git_odb_object_data)                   \
  X(git_odb_object_size)                   \
  X(git_repository_odb)                    \
  X(git_libgit2_opts)                      \
  X(git_treebuilder_free)                  \
  X(git_treebuilder_new)                   \
  X(git_treebuilder_insert)                \
  X(git_treebuilder_write)                 \
  X(git_tree_entrycount)                   \
  X(git_tree_entry_byindex)                \
  X(git_tree_entry_name)                   \
  X(git_tree_entry_byname)                 \
  X(git_blob_create_from_buffer)           \
  X(git_reference_create_matching)         \
  X(git_repository_config_snapshot)        \
  X(git_config_get_string)                 \
  X(git_config_free)

struct GitApi {
#define PROMPTCTL_GIT_POINTER(name) decltype(&::name) name = nullptr;
  PROMPTCTL_GIT_FUNCTIONS(PROMPTCTL_GIT_POINTER)
#undef PROMPTCTL_GIT_POINTER
};

/// libgit2, loaded and initialised on first call and shut down at exit. Throws `Error` (io)
/// when the library cannot be loaded.
const GitApi& git();

}  // namespace promptctl::repo
