"""Themes and sentiment of free-text answers in English, Korean, Japanese and Chinese (decision 0026).

Pure calculations, no database: `tokens` splits answers into lemma tokens with each language's
tokeniser, `themes` groups answers into named themes, `sentiment` scores them with the small linear
models shipped in `weights/`. The tokenisers are the optional extra `patronage[text]`, imported only when
a function needs them; without them the functions raise `TextMethodMissing`.
"""
