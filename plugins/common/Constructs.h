#pragma once
// Fused (instrumented) segments on CT, read from the metal inside each level's label: the
// adjacent-segment detector judges the discs next to them, the fusion detector the discs within.
#include <cstdint>
#include <map>
#include <vector>

#include "spine/LevelTable.h"
#include "spine/Metal.h"
#include "spine/PixelTypes.h"

namespace spine::discs {

/// Metal (mm3, as findMetal finds it within 80 mm of the levels' centroids, as far as a vertebra
/// reaches) inside each label of the level table (the label map shares the CT's grid; empty when it
/// does not).
std::map<std::uint16_t, double> metalPerLabel(const CtImage& ct, const LevelTable& t, const MetalRule& rule);

/// A fused segment: vertebrae top..bottom (indices into the table, top cranial), all instrumented.
/// The fused discs are those under vertebrae top..bottom - 1 (LevelTable::discUnder).
struct Construct {
  size_t top = 0, bottom = 0;
};

/// Runs of two or more consecutive instrumented vertebrae (`minMm3` of metal or more in the label);
/// a disc holding that much metal (a cage) joins the vertebrae on either side of it, and one
/// vertebra without metal between two with it (skip-level fixation: screws in T11 and L1 round a
/// T12 fracture) is inside the run. Two separate constructs one free vertebra apart read as one.
std::vector<Construct> constructs(const LevelTable& t, const std::map<std::uint16_t, double>& metal, double minMm3);

}  // namespace spine::discs
