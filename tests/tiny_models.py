"""Build small real models locally: nothing is downloaded, and tqcheck loads them through the
same code paths it uses for hub models (transformers ``from_pretrained``, comet
``load_from_checkpoint``). The builders take the architecture sizes as arguments, so the
benchmarks can build full-size random-weight models with the same code."""

from __future__ import annotations

import json
from pathlib import Path


def train_sentencepiece(texts: list[str], prefix: Path, vocab_size: int) -> Path:
    import sentencepiece as spm

    prefix.parent.mkdir(parents=True, exist_ok=True)
    corpus = prefix.with_suffix(".corpus.txt")
    corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
        num_threads=1,
    )
    return prefix.with_suffix(".model")


def build_marian(
    directory: Path,
    source_texts: list[str],
    target_texts: list[str],
    *,
    vocab_size: int = 400,
    d_model: int = 32,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 64,
    seed: int = 0,
    model_vocab_size: int | None = None,
    max_length: int = 64,
    target_only: bool = True,
) -> Path:
    """A MarianMT with random weights and a shared vocabulary built from real sentencepiece models.

    ``model_vocab_size`` pads the vocabulary (and so the output layer) to a full-size model's."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    source_spm = train_sentencepiece(source_texts, directory / "spm_src", vocab_size)
    target_spm = train_sentencepiece(target_texts, directory / "spm_tgt", vocab_size)
    import sentencepiece as spm

    pieces: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for model_file in (source_spm, target_spm):
        processor = spm.SentencePieceProcessor(model_file=str(model_file))
        for index in range(processor.get_piece_size()):
            piece = processor.id_to_piece(index)
            if piece not in pieces and piece not in ("<s>", "</s>", "<unk>"):
                pieces[piece] = len(pieces)
    while model_vocab_size and len(pieces) < model_vocab_size - 1:  # never produced by the tokenizer
        pieces[f"▁pad{len(pieces)}"] = len(pieces)
    pieces["<pad>"] = len(pieces)
    vocab_file = directory / "vocab.json"
    vocab_file.write_text(json.dumps(pieces, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(source_spm=str(source_spm), target_spm=str(target_spm), vocab=str(vocab_file))
    pad = pieces["<pad>"]
    config = MarianConfig(
        vocab_size=len(pieces),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=512,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        num_beams=1,
        max_length=max_length,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    if target_only:
        # Random weights emit random pieces; let them be pieces of the target language only, so that the
        # output is (meaningless) text in the right language, as tqcheck's MT language check expects.
        target_processor = spm.SentencePieceProcessor(model_file=str(target_spm))
        target_pieces = {target_processor.id_to_piece(i) for i in range(target_processor.get_piece_size())}
        allowed = [index for piece, index in pieces.items() if piece in target_pieces or piece == "</s>"]
        with torch.no_grad():
            model.final_logits_bias.fill_(-1e4)
            model.final_logits_bias[0, allowed] = 0.0
    model.generation_config.max_length = max_length
    model.generation_config.num_beams = 1
    out = directory / "model"
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_xlmr_encoder(
    directory: Path,
    texts: list[str],
    *,
    vocab_size: int = 600,
    hidden: int = 32,
    layers: int = 2,
    heads: int = 2,
    intermediate: int = 64,
    seed: int = 0,
    model_vocab_size: int | None = None,
) -> Path:
    """An XLM-R-shaped encoder with random weights and a sentencepiece tokenizer, saved locally.

    ``model_vocab_size`` sizes the embedding table like a full-size model's (250,002 for XLM-R)."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel, XLMRobertaTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    spm_model = train_sentencepiece(texts, directory / "spm", vocab_size)
    tokenizer = XLMRobertaTokenizerFast(vocab_file=str(spm_model))
    config = XLMRobertaConfig(
        vocab_size=max(len(tokenizer), model_vocab_size or 0),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=intermediate,
        max_position_embeddings=514,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    encoder = XLMRobertaModel(config, add_pooling_layer=False)
    out = directory / "encoder"
    encoder.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def build_comet(
    directory: Path,
    encoder_dir: Path,
    *,
    class_identifier: str = "regression_metric",
    hidden_sizes: tuple[int, ...] = (32,),
    seed: int = 0,
    **options,
) -> Path:
    """A COMET checkpoint (checkpoints/model.ckpt + hparams.yaml) over a local encoder.

    ``class_identifier`` picks comet's model class: regression_metric (COMET-DA),
    referenceless_regression_metric (COMET-QE), unified_metric (CometKiwi, UniTE) or
    xcomet_metric (XCOMET, with error spans). ``options`` go to its constructor.
    The encoder's path is stored inside the checkpoint's hyper-parameters, as comet does."""
    import pytorch_lightning as ptl
    import torch
    import yaml
    from comet.models import str2model

    torch.manual_seed(seed)
    model_class = str2model[class_identifier]
    if class_identifier in ("unified_metric", "xcomet_metric"):
        # sentence and word layers must exist in the tiny encoder (XLM-R-large has 24)
        shape = {"sent_layer": "mix", "word_layer": 2, "layer_transformation": "softmax"}
    else:
        shape = {"layer": "mix", "layer_transformation": "softmax", "pool": "avg"}
    model = model_class(
        pretrained_model=str(encoder_dir),
        local_files_only=True,
        hidden_sizes=list(hidden_sizes),
        load_pretrained_weights=True,
        **{**shape, **options},
    )
    trainer = ptl.Trainer(
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.strategy.connect(model)
    (directory / "checkpoints").mkdir(parents=True, exist_ok=True)
    checkpoint = directory / "checkpoints" / "model.ckpt"
    trainer.save_checkpoint(str(checkpoint))
    hparams = {key: value for key, value in dict(model.hparams).items()}
    hparams["class_identifier"] = class_identifier
    (directory / "hparams.yaml").write_text(yaml.safe_dump(hparams), encoding="utf-8")
    return checkpoint


def build_seq2seq(directory: Path, family: str, texts: list[str], *, seed: int = 0) -> Path:
    """A tiny random-weight model of one multilingual family, with the real tokenizer class carrying
    its language codes: nllb (M2M100 architecture, NllbTokenizer), m2m100, mbart50, madlad (T5 with
    <2xx> tokens). Saved with save_pretrained, loaded by the engine with from_pretrained."""
    import torch
    import transformers as tf

    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    work = directory / "spm"
    small = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                 decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=256)  # fmt: skip
    if family == "madlad":
        import sentencepiece as spm

        work.parent.mkdir(parents=True, exist_ok=True)
        corpus = directory / "corpus.txt"
        corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(work), vocab_size=300, model_type="unigram", hard_vocab_limit=False,
            character_coverage=1.0, minloglevel=2, num_threads=1, pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
            user_defined_symbols=["<2en>", "<2sv>", "<2de>"],
        )  # fmt: skip
        tokenizer = tf.T5Tokenizer(vocab_file=str(work.with_suffix(".model")), extra_ids=0, legacy=False)
        config = tf.T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, d_ff=64, num_layers=1, num_heads=2,
                             decoder_start_token_id=tokenizer.pad_token_id)  # fmt: skip
        model = tf.T5ForConditionalGeneration(config)
    else:
        spm_model = train_sentencepiece(texts, work, 300)
        if family == "nllb":
            tokenizer = tf.NllbTokenizer(vocab_file=str(spm_model))
        elif family == "mbart50":
            tokenizer = tf.MBart50Tokenizer(vocab_file=str(spm_model))
        else:
            import sentencepiece as spm

            processor = spm.SentencePieceProcessor(model_file=str(spm_model))
            vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
            for index in range(processor.get_piece_size()):
                vocab.setdefault(processor.id_to_piece(index), len(vocab))
            (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
            tokenizer = tf.M2M100Tokenizer(vocab_file=str(directory / "vocab.json"), spm_file=str(spm_model))
        config_class, model_class = (
            (tf.MBartConfig, tf.MBartForConditionalGeneration)
            if family == "mbart50"
            else (tf.M2M100Config, tf.M2M100ForConditionalGeneration)
        )
        ids = [*tokenizer.get_vocab().values(), *getattr(tokenizer, "lang_token_to_id", {}).values()]
        size = max(len(tokenizer), max(ids) + 1) + getattr(tokenizer, "num_madeup_words", 0)  # M2M100: after the vocab
        config = config_class(vocab_size=size, pad_token_id=tokenizer.pad_token_id,
                              eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.eos_token_id,
                              bos_token_id=tokenizer.bos_token_id, **small)  # fmt: skip
        model = model_class(config)
    model.generation_config.max_length = 24
    tokenizer.save_pretrained(directory)
    model.save_pretrained(directory)
    return directory
