#pragma once
// The phantom's anatomy in patient LPS mm: a spine column walked segment by segment from the
// sacrum up (so lordosis, kyphosis, scoliosis and disc heights shape it as they do in a patient),
// the body around it, and the pathology and hardware a spec asks for. Pure geometry: rendering
// to CT or MR values is PhantomRender's job.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/PhantomShapes.h"
#include "spine/PhantomSpec.h"

namespace spine {

struct VertebraModel {
  std::string name;
  std::uint16_t label = 0;
  Frame body;  ///< centre of the vertebral body; w along its axis (cranial), v posterior, u left
  double width = 0, depth = 0, height = 0;
  double canalWidth = 0, canalDepth = 0, canalOffset = 0;  ///< canal centre = body.world(0, canalOffset, 0)
  double pedicleWidth = 0, pedicleOffset = 0;              ///< pedicle centres at u = +-pedicleOffset
  bool hasRibs = false;
  bool lumbarType = false;  ///< no ribs, free (not fused to the sacrum): what a counter sees as lumbar
  Vec3 top() const { return body.world(0, 0, height / 2); }
  Vec3 bottom() const { return body.world(0, 0, -height / 2); }
};

struct DiscModel {
  std::string name, upper, lower;
  std::uint16_t label = 0;
  Frame frame;  ///< disc centre; w the mean axis
  double height = 0, width = 0, depth = 0;
};

struct Anatomy {
  std::vector<VertebraModel> vertebrae;  ///< cranio-caudal; the sacrum last
  std::vector<DiscModel> discs;          ///< cranio-caudal
  std::vector<Shape> shapes;
  Shape torso;                           ///< the body outline (skin)
  nlohmann::json herniations = nlohmann::json::array();
  nlohmann::json hardware = nlohmann::json::array();
  nlohmann::json degeneratedDiscs = nlohmann::json::array();
  nlohmann::json stenoses = nlohmann::json::array();
  std::vector<std::string> anomalies;    ///< plain-words list of the count anomalies built in

  const VertebraModel* vertebra(const std::string& name) const;
  const DiscModel* disc(const std::string& name) const;
};

/// Builds the whole anatomy for a spec (deterministic for a given seed). Throws SpineError when
/// the spec names a level this anatomy does not have (e.g. a screw at L6 with five lumbar).
Anatomy buildAnatomy(const PhantomSpec& spec);

}  // namespace spine
