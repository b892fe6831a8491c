// Viewer benchmark: how long the scene takes to build from an analysis folder, and how many frames
// per second slice scrolling renders in each view (every scroll re-renders the whole window, as
// the interactive viewer does). Run under xvfb-run: bench/viewer_bench.sh.
// Usage: bench_viewer_frames REPORT_DIR [frames]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

#include "spine/Error.h"
#include "spine/viewer/ReviewSession.h"

using Clock = std::chrono::steady_clock;

static double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s REPORT_DIR [frames]\n", argv[0]);
    return 64;
  }
  const int frames = argc > 2 ? std::atoi(argv[2]) : 200;
  std::string why;
  if (!spine::viewer::displayAvailable(&why)) {
    std::fprintf(stderr, "%s\n", why.c_str());
    return 69;
  }
  try {
    auto t0 = Clock::now();
    spine::viewer::LoadedReview review = spine::viewer::loadReview(argv[1]);
    const double load = seconds(t0);
    t0 = Clock::now();
    spine::viewer::SceneOptions options;
    options.surface = std::getenv("SPINE_BENCH_NO_SURFACE") == nullptr;
    if (const char* w = std::getenv("SPINE_BENCH_WIDTH")) options.width = std::atoi(w), options.height = options.width * 5 / 8;
    auto scene = spine::viewer::buildScene(review.model, review.volume, review.labels.GetPointer(), "", options);
    review.volume = {};
    scene->render();
    std::printf("load %.2f s, scene build + first frame %.2f s\n", load, seconds(t0));
    for (bool whole : {false, true})
      for (spine::viewer::View v : {spine::viewer::View::Axial, spine::viewer::View::Sagittal, spine::viewer::View::Coronal}) {
        const int start = scene->slice(v), n = scene->sliceCount(v);
        t0 = Clock::now();
        for (int f = 0; f < frames; ++f) {
          scene->setSlice(v, (start + f) % n);
          if (whole) scene->render();
          else scene->scrolled(v);
        }
        double s = seconds(t0);
        std::printf("%-9s scrolling, %-27s %d frames in %.2f s = %5.1f frames/s\n", spine::viewer::viewName(v),
                    whole ? "whole window redrawn:" : "views that change redrawn:", frames, s, frames / s);
      }
    return 0;
  } catch (const spine::SpineError& e) {
    std::fprintf(stderr, "%s\n", e.oneLine().c_str());
    return int(e.code());
  }
}
