// JUnit XML for CI (`paysim check --junit FILE`): one <testsuite> per report, named
// "scenario/variant" (or "scenario" when there is no variant), holding one <testcase> per
// expectation, named "metric op threshold", and one testcase "invariants". A failed expectation
// carries <failure message="..."> naming the metric, the threshold and the actual value; the
// invariants testcase fails when violations > 0 and lists the kept details. Every attribute and
// text is XML-escaped, and characters XML 1.0 forbids are replaced by '?'.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"

namespace reports {

// REQUIRES: no null pointers.
std::string render_junit(const std::vector<const Report*>& reports);

// Where escaped text goes: an attribute value keeps its line breaks only as character references
// (&#10;); element content keeps them as they are.
enum class XmlContext { kAttribute, kText };

// Escapes & < > " ' and control characters for the given context.
std::string xml_escape(std::string_view text, XmlContext context = XmlContext::kAttribute);

}  // namespace reports
