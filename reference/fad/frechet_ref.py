"""fadtk/fad.py loaded with its unused imports stubbed (shared by frechet.py and vggish.py)."""
import importlib.util
import logging
import sys

from common import src, stub

stub("torchaudio")
stub("hypy_utils", write=None)
stub("hypy_utils.tqdm_utils", tq=None, tmap=None)
stub("hypy_utils.logging_utils", setup_logger=lambda: logging.getLogger("fadtk"))
stub("fadtk", __path__=[src("fadtk", "fadtk")])
stub("fadtk.model_loader", ModelLoader=object)
stub("fadtk.utils", PathLike=str, __all__=["PathLike"])  # only the type alias is used at load time
_spec = importlib.util.spec_from_file_location("fadtk.fad", src("fadtk", "fadtk", "fad.py"))
fad = importlib.util.module_from_spec(_spec)
sys.modules["fadtk.fad"] = fad
_spec.loader.exec_module(fad)
