#include "spine/service/DicomService.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/dcmnet/scppool.h>
#include <dcmtk/dcmnet/scpthrd.h>
#include <dcmtk/dcmnet/scu.h>
#include <nlohmann/json.hpp>

#include "spine/AtomicFile.h"
#include "spine/ChildProcess.h"
#include "spine/Error.h"
#include "spine/service/StudySpool.h"

namespace spine::service {
namespace fs = std::filesystem;

namespace {

/// What every association worker needs: who may call, and where instances go.
struct ReceiverContext {
  const ServeOptions* options = nullptr;
  StudySpool* spool = nullptr;
};
ReceiverContext g_receiver;  // set before the pool listens; read-only afterwards

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

/// One association: AE titles and the caller's address checked, C-STOREs spooled, C-ECHO answered.
class StoreWorker : public DcmThreadSCP {
protected:
  OFBool checkCalledAETitleAccepted(const OFString& called) override { return called.c_str() == g_receiver.options->aeTitle; }
  OFBool checkCallingAETitleAccepted(const OFString& calling) override {
    return g_receiver.options->allowAnyCaller || listed(g_receiver.options->allowedCallers, calling.c_str());
  }
  OFBool checkCallingHostAccepted(const OFString& host) override {
    return g_receiver.options->allowedHosts.empty() || listed(g_receiver.options->allowedHosts, host.c_str());
  }
  OFCondition handleIncomingCommand(T_DIMSE_Message* message, const DcmPresentationContextInfo& info) override {
    if (message->CommandField != DIMSE_C_STORE_RQ) return DcmThreadSCP::handleIncomingCommand(message, info);
    T_DIMSE_C_StoreRQ& request = message->msg.CStoreRQ;
    DcmDataset* dataset = nullptr;
    OFCondition c = receiveSTORERequest(request, info.presentationContextID, dataset);
    if (c.bad()) return c;
    std::unique_ptr<DcmDataset> owned(dataset);
    std::string why;
    const bool stored = g_receiver.spool->store(*owned, info.acceptedTransferSyntax.c_str(), getPeerAETitle().c_str(), &why);
    return sendSTOREResponse(info.presentationContextID, request, stored ? STATUS_Success : STATUS_STORE_Refused_OutOfResources);
  }
};

/// Every storage SOP class in the common transfer syntaxes, compressed ones kept as received.
void addStoragePresentationContexts(DcmSCPConfig& config) {
  const OFList<OFString> xfers = [] {
    OFList<OFString> l;
    for (const char* x : {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
                          UID_BigEndianExplicitTransferSyntax, UID_JPEGProcess14SV1TransferSyntax, UID_JPEGProcess1TransferSyntax,
                          UID_JPEGLSLosslessTransferSyntax, UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEG2000TransferSyntax,
                          UID_RLELosslessTransferSyntax, UID_DeflatedExplicitVRLittleEndianTransferSyntax})
      l.push_back(x);
    return l;
  }();
  config.addPresentationContext(UID_VerificationSOPClass, xfers);
  for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i) config.addPresentationContext(dcmAllStorageSOPClassUIDs[i], xfers);
}

/// The study's DICOM results, from its report's output list.
std::vector<std::string> resultFiles(const fs::path& analysis) {
  std::ifstream in(analysis / "report.json");
  nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  std::vector<std::string> files;
  if (report.is_discarded()) return files;
  for (const auto& f : report.value("outputs", nlohmann::json::object()).value("files", nlohmann::json::array()))
    if (f.get<std::string>().rfind("dicom/", 0) == 0) files.push_back((analysis / f.get<std::string>()).string());
  return files;
}

ServedStudy analyseStudy(const std::string& folder, const ServeOptions& o) {
  ServedStudy s;
  s.folder = folder;
  const std::string name = fs::path(folder).filename().string();
  const fs::path work = fs::path(o.outDir) / ".work" / name, done = fs::path(o.outDir) / name;
  const std::string log = (fs::path(o.outDir) / "logs" / (name + ".log")).string();
  std::vector<std::string> argv{o.analyzer, "analyze", folder, "--out", work.string(), "--quiet"};
  argv.insert(argv.end(), o.analyzeArgs.begin(), o.analyzeArgs.end());
  s.exitCode = runLogged(argv, log, "serve");
  if (s.exitCode != 0) return s.status = "failed", s.error = lastLine(log), s;
  std::error_code ec;
  fs::rename(work, done, ec);
  if (ec) return s.status = "failed", s.exitCode = int(ExitCode::CantCreate), s.error = done.string() + ": " + ec.message(), s;
  s.status = "analysed";
  if (o.sendResults) {
    std::vector<std::string> problems;
    s.sent = sendFiles(resultFiles(done), o.destination, o.aeTitle, problems);
    for (const std::string& p : problems) s.error += p + "; ";
  }
  return s;
}

}  // namespace

DicomPeer parsePeer(const std::string& text) {
  const auto at = text.find('@'), colon = text.rfind(':');
  DicomPeer p;
  if (at != std::string::npos && colon != std::string::npos && colon > at) {
    p.aeTitle = text.substr(0, at), p.host = text.substr(at + 1, colon - at - 1);
    const std::string port = text.substr(colon + 1);
    if (!port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), ::isdigit)) p.port = unsigned(std::stoul(port));
  }
  const bool hostOk = !p.host.empty() && std::all_of(p.host.begin(), p.host.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'; });
  if (p.aeTitle.empty() || p.aeTitle.size() > 16 || p.aeTitle.find('\\') != std::string::npos || !hostOk || p.port == 0 || p.port > 65535)
    throw SpineError(ExitCode::Usage, "serve", text, "not a DICOM destination: give AET@host:port");
  return p;
}

std::size_t sendFiles(const std::vector<std::string>& files, const DicomPeer& peer, const std::string& callingAe,
                      std::vector<std::string>& problems) {
  if (files.empty()) return 0;
  DcmSCU scu;
  scu.setAETitle(callingAe.c_str());
  scu.setPeerAETitle(peer.aeTitle.c_str());
  scu.setPeerHostName(peer.host.c_str());
  scu.setPeerPort(Uint16(peer.port));
  scu.setACSETimeout(30), scu.setDIMSETimeout(60);
  OFList<OFString> xfers;
  xfers.push_back(UID_LittleEndianExplicitTransferSyntax), xfers.push_back(UID_LittleEndianImplicitTransferSyntax);
  for (const char* sop : {UID_SegmentationStorage, UID_EnhancedSRStorage, UID_SecondaryCaptureImageStorage}) scu.addPresentationContext(sop, xfers);
  if (scu.initNetwork().bad() || scu.negotiateAssociation().bad()) {
    problems.push_back("cannot associate with " + peer.aeTitle + "@" + peer.host + ":" + std::to_string(peer.port));
    return 0;
  }
  std::size_t sent = 0;
  for (const std::string& f : files) {
    DcmFileFormat file;
    OFString sopClass;
    if (file.loadFile(f.c_str()).bad() || file.getDataset()->findAndGetOFString(DCM_SOPClassUID, sopClass).bad()) continue;
    Uint16 status = 0;
    const T_ASC_PresentationContextID id = scu.findAnyPresentationContextID(sopClass, UID_LittleEndianExplicitTransferSyntax);
    if (id != 0 && scu.sendSTORERequest(id, f.c_str(), nullptr, status).good() && status == STATUS_Success) ++sent;
    else problems.push_back(fs::path(f).filename().string() + " refused (status " + std::to_string(status) + ")");
  }
  scu.releaseAssociation();
  return sent;
}

std::vector<ServedStudy> runDicomService(const ServeOptions& o, const std::atomic<bool>& stop,
                                         const std::function<void(const std::string&)>& log) {
  OFLog::configure(OFLogger::WARN_LOG_LEVEL);  // DCMTK logs every C-STORE at INFO
  StudySpool spool(o.spoolDir, {o.maxStudyMiB << 20, o.minFreeMiB << 20});
  for (const char* sub : {".work", "logs"}) createOutputFolder((fs::path(o.outDir) / sub).string(), "serve");
  g_receiver = {&o, &spool};
  DcmSCPPool<StoreWorker> pool;
  DcmSCPConfig& config = pool.getConfig();
  config.setPort(Uint16(o.port));
  config.setAETitle(o.aeTitle.c_str());
  config.setConnectionBlockingMode(DUL_NOBLOCK);
  config.setConnectionTimeout(1);  // the listener looks up once a second, so it can be stopped
  config.setHostLookupEnabled(OFFalse);
  addStoragePresentationContexts(config);
  pool.setMaxThreads(Uint16(std::max(1u, o.maxWorkers)));
  OFCondition listenResult;
  std::thread listener([&] { listenResult = pool.listen(); });
  std::vector<ServedStudy> handled;
  while (!stop && (o.stopAfterStudies == 0 || handled.size() < o.stopAfterStudies)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    if (listenResult.bad()) break;
    for (const QuietStudy& quiet : spool.takeQuietStudies(std::chrono::seconds(o.quietSeconds))) {
      const std::string& folder = quiet.folder;
      if (quiet.refused.empty()) {
        handled.push_back(analyseStudy(folder, o));
      } else {
        handled.push_back({folder, "refused", quiet.refused, 0, 0});
      }
      const ServedStudy& s = handled.back();
      if (log) log(fs::path(folder).filename().string() + ": " + s.status + (s.sent ? ", " + std::to_string(s.sent) + " result(s) sent" : "") +
                   (s.error.empty() ? "" : ": " + s.error));
    }
  }
  pool.stopAfterCurrentAssociations();
  listener.join();
  if (listenResult.bad() && handled.empty())
    throw SpineError(ExitCode::Unavailable, "serve", "port " + std::to_string(o.port), std::string("cannot listen: ") + listenResult.text());
  return handled;
}

}  // namespace spine::service
