// Shared by the two ways of finding near-duplicate prompts.
#pragma once

#include <string>
#include <vector>

#include "promptctl/similarity.hpp"

namespace promptctl::similarity_detail {

/// Most similar first; ties by name.
void sort_pairs(std::vector<DuplicatePair>& pairs);
/// The pair with its names in order.
DuplicatePair ordered_pair(const std::string& a, const std::string& b, double score);

}  // namespace promptctl::similarity_detail
