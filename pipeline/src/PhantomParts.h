#pragma once
// Internal: the pieces buildAnatomy() calls, one file each.
#include <random>

#include "spine/PhantomAnatomy.h"

namespace spine::phantom {

/// Priorities: higher paints over lower.
enum Priority : int {
  kSkin = 1, kFat = 2, kInner = 3, kOrgan = 4, kMuscle = 5, kDisc = 9, kCortex = 10, kMarrow = 11,
  kCanal = 12, kLaminectomy = 13, kSac = 14, kHerniation = 15, kCord = 16, kPileUp = 17, kVoid = 18,
  kHalo = 19, kMetal = 20
};

/// Adds a bone as a cortical shell around a cancellous core.
void addBone(std::vector<Shape>& shapes, Shape outer, std::uint16_t label, double cortexMm, bool osteoporosis);

/// PhantomColumn.cpp: vertebrae, discs, canal, cord, sacrum.
void buildColumn(Anatomy& a, const PhantomSpec& spec);
/// PhantomBody.cpp: torso, organs, muscles, ribs, pelvis, table.
void buildBody(Anatomy& a, const PhantomSpec& spec, std::mt19937& rng);
/// PhantomPathology.cpp: herniations and hardware.
void buildPathology(Anatomy& a, const PhantomSpec& spec);

Shape ellipsoid(const Frame& f, Vec3 semi, Tissue t, int prio, std::uint16_t label = 0);
Shape cylinder(const Frame& f, Vec3 semi, Tissue t, int prio, std::uint16_t label = 0);
Shape box(const Frame& f, Vec3 semi, Tissue t, int prio, std::uint16_t label = 0);
Shape capsule(const Vec3& a, const Vec3& b, double r, Tissue t, int prio, std::uint16_t label = 0);
/// A frame at `centre` whose w points along `axis` and whose u stays as close to `uHint` as possible.
Frame frameAlong(const Vec3& centre, const Vec3& axis, const Vec3& uHint);

[[noreturn]] void specError(const PhantomSpec& spec, const std::string& problem);

}  // namespace spine::phantom
