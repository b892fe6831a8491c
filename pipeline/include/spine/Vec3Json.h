#pragma once
// Points in JSON: [x, y, z] in patient LPS mm, as every report, truth and case file writes them.
#include <nlohmann/json.hpp>

#include "spine/Vec3.h"

namespace spine {

inline nlohmann::json toJson(const Vec3& p) { return nlohmann::json::array({p[0], p[1], p[2]}); }

/// Throws nlohmann::json::exception when `j` is not an array of three numbers.
inline Vec3 vec3FromJson(const nlohmann::json& j) { return {j.at(0).get<double>(), j.at(1).get<double>(), j.at(2).get<double>()}; }

}  // namespace spine
