"""The forward pass without PyTorch: the learner's network as an ONNX graph, run by ONNX Runtime.

ONNX Runtime runs the same arithmetic about twice as fast as PyTorch on one thread on CPUs without
special instructions, and needs neither PyTorch nor fastai in the process. `OnnxEngine` is the network
as a callable: a float32 batch of one photo (1, 3, H, W) in, the network's whole output (however many
logits it has) out. The graph comes from model/learner.py's export, in memory or through model/compiled.py.
"""

import numpy as np
import onnxruntime


class OnnxEngine:
    """The network as an ONNX Runtime session; `session.run` is safe to call from several threads."""

    INPUT, OUTPUT = "images", "logits"

    def __init__(self, graph: bytes, threads: int = 1) -> None:
        self._graph = graph
        self.threads = threads
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle worker threads would otherwise spin for the next call, burning the event loop's core.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        images = np.ascontiguousarray(batch, dtype=np.float32)
        return self._session.run([self.OUTPUT], {self.INPUT: images})[0]

    def metadata(self) -> dict[str, str]:
        """The graph's own key-value metadata (model/compiled.py keeps the learner's facts there)."""
        return dict(self._session.get_modelmeta().custom_metadata_map)

    def with_threads(self, threads: int) -> "OnnxEngine":
        """The same graph in a session with `threads` intra-op threads."""
        return self if threads == self.threads else OnnxEngine(self._graph, threads)
