"""Flattening updates to little-endian float32 and rebuilding the mean in the update's own shape."""
import array
import struct
import unittest
from collections import OrderedDict

from support import needs_numpy, needs_torch, numpy as np, torch

from secagg_client import flatten


def round_trip(update):
    """The update flattened and rebuilt from its own bytes, and the flattened form."""
    flat = flatten(update)
    return flat.rebuild(flat.body), flat


class PlainPythonTest(unittest.TestCase):
    def test_a_list_of_numbers_is_sent_as_little_endian_float32_and_comes_back_a_list(self):
        back, flat = round_trip([1, 2.5, -0.25])
        self.assertEqual(flat.body, struct.pack("<3f", 1, 2.5, -0.25))
        self.assertEqual(flat.size, 3)
        self.assertEqual(back, [1.0, 2.5, -0.25])

    def test_a_tuple_comes_back_a_tuple(self):
        back, _ = round_trip((0.5, 1.5))
        self.assertEqual(back, (0.5, 1.5))

    def test_array_arrays_of_floats_and_doubles_keep_their_typecode(self):
        for typecode in "fd":
            back, flat = round_trip(array.array(typecode, [0.5, -3.0]))
            self.assertEqual(flat.body, struct.pack("<2f", 0.5, -3.0))
            self.assertEqual(back, array.array(typecode, [0.5, -3.0]))

    def test_a_float32_rounding_is_what_comes_back(self):
        back, _ = round_trip([0.1])
        self.assertEqual(back, [struct.unpack("<f", struct.pack("<f", 0.1))[0]])

    def test_a_list_of_layers_comes_back_layer_by_layer(self):
        back, flat = round_trip([[1.0, 2.0], [3.0], (4.0, 5.0)])
        self.assertEqual(flat.size, 5)
        self.assertEqual(back, [[1.0, 2.0], [3.0], (4.0, 5.0)])

    def test_a_dict_keeps_its_keys_and_passes_integers_through(self):
        update = OrderedDict([("w", [1.0, 2.0]), ("steps", 7), ("b", 0.5)])
        back, flat = round_trip(update)
        self.assertEqual(flat.size, 3)
        self.assertIsInstance(back, OrderedDict)
        self.assertEqual(list(back.items()), [("w", [1.0, 2.0]), ("steps", 7), ("b", 0.5)])

    def test_the_mean_fills_each_entry_from_its_own_offset(self):
        flat = flatten({"a": [0.0, 0.0], "b": [0.0]})
        self.assertEqual(flat.rebuild(struct.pack("<3f", 1, 2, 3)), {"a": [1.0, 2.0], "b": [3.0]})

    def test_what_is_not_an_update_is_refused_naming_the_entry(self):
        with self.assertRaisesRegex(TypeError, r"update\['name'\] is a str"):
            flatten({"name": "model"})
        with self.assertRaisesRegex(TypeError, r"update mixes numbers with a str"):
            flatten([1.0, "x"])
        with self.assertRaisesRegex(TypeError, r"typecode 'i'"):
            flatten(array.array("i", [1]))
        with self.assertRaisesRegex(TypeError, r"update is a int: an update is a list of floats"):
            flatten(3)

    def test_an_empty_list_flattens_to_nothing(self):
        back, flat = round_trip([])
        self.assertEqual((flat.size, flat.body, back), (0, b"", []))


@needs_numpy
class NumpyTest(unittest.TestCase):
    def test_an_array_of_any_shape_comes_back_in_its_shape_and_dtype(self):
        for dtype in (np.float32, np.float64, np.float16):
            update = np.arange(24, dtype=dtype).reshape(2, 3, 4) / 8
            back, flat = round_trip(update)
            self.assertEqual(flat.body, update.astype("<f4").tobytes())
            self.assertEqual((back.shape, back.dtype), (update.shape, update.dtype))
            np.testing.assert_array_equal(back, update)

    def test_a_strided_view_is_sent_in_c_order(self):
        update = np.arange(6, dtype=np.float64).reshape(2, 3).T
        back, flat = round_trip(update)
        self.assertEqual(flat.body, np.ascontiguousarray(update).astype("<f4").tobytes())
        np.testing.assert_array_equal(back, update)

    def test_a_big_endian_array_is_sent_little_endian(self):
        update = np.array([1.5, -2.0], dtype=">f8")
        back, flat = round_trip(update)
        self.assertEqual(flat.body, struct.pack("<2f", 1.5, -2.0))
        np.testing.assert_array_equal(back, update)

    def test_a_zero_dimensional_array_is_one_value(self):
        back, flat = round_trip(np.float64(2.5) * np.ones(()))
        self.assertEqual((flat.size, back.shape, float(back)), (1, (), 2.5))

    def test_the_mean_is_a_new_writable_array(self):
        back, flat = round_trip(np.zeros(3, dtype=np.float32))
        back += 1
        self.assertEqual(flat.body, bytes(12))

    def test_a_list_of_layers_passes_integer_arrays_through(self):
        counts = np.array([3, 4])
        back, flat = round_trip([np.ones((2, 2)), counts, np.zeros(3, dtype=np.float32)])
        self.assertEqual(flat.size, 7)
        self.assertIs(back[1], counts)
        self.assertEqual([b.shape for b in back], [(2, 2), (2,), (3,)])

    def test_an_integer_array_alone_is_refused(self):
        with self.assertRaisesRegex(TypeError, r"numpy array of int"):
            flatten(np.arange(3))


@needs_torch
class TorchTest(unittest.TestCase):
    def model(self):
        return torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(), torch.nn.Linear(8, 3))

    def test_a_state_dict_comes_back_a_state_dict_that_loads(self):
        model = self.model()
        state = model.state_dict()
        back, flat = round_trip(state)
        floats = sum(v.numel() for v in state.values() if v.is_floating_point())
        self.assertEqual(flat.size, floats)
        self.assertIsInstance(back, OrderedDict)
        self.assertEqual(list(back), list(state))
        self.assertEqual(back._metadata, state._metadata)
        for name, value in state.items():
            self.assertEqual((back[name].shape, back[name].dtype), (value.shape, value.dtype), name)
            self.assertTrue(torch.equal(back[name], value), name)
        model.load_state_dict(back)

    def test_batchnorm_counters_are_passed_through_and_left_out_of_the_vector(self):
        model = self.model()
        model(torch.zeros(4, 1, 4, 4))  # one training step counts one batch
        state = model.state_dict()
        flat = flatten(state)
        self.assertEqual(flat.size, sum(v.numel() for k, v in state.items() if not k.endswith("num_batches_tracked")))
        back = flat.rebuild(bytes(flat.size * 4))
        self.assertIs(back["1.num_batches_tracked"], state["1.num_batches_tracked"])
        self.assertEqual(int(back["1.num_batches_tracked"]), 1)
        self.assertEqual(float(back["1.running_var"].abs().sum()), 0.0)

    def test_tensors_keep_their_dtype_shape_and_leave_autograd(self):
        layers = [torch.nn.Parameter(torch.ones(2, 3)), torch.arange(4, dtype=torch.float64),
                  torch.ones(2, dtype=torch.float16), torch.ones(2, dtype=torch.bfloat16) / 4]
        back, flat = round_trip(layers)
        self.assertEqual(flat.size, 14)
        for given, got in zip(layers, back):
            self.assertEqual((got.shape, got.dtype, got.requires_grad), (given.shape, given.dtype, False))
            self.assertTrue(torch.equal(got, given.detach()))

    def test_a_tensor_keeps_its_device(self):
        update = torch.ones(2, 2)
        back, _ = round_trip(update)
        self.assertEqual(back.device, update.device)

    def test_an_integer_tensor_alone_is_refused(self):
        with self.assertRaisesRegex(TypeError, r"torch.int64 tensor"):
            flatten(torch.arange(3))

    def test_a_non_contiguous_tensor_is_sent_in_c_order(self):
        update = torch.arange(6, dtype=torch.float32).reshape(2, 3).t()
        back, flat = round_trip(update)
        self.assertEqual(flat.body, update.contiguous().numpy().astype("<f4").tobytes())
        self.assertTrue(torch.equal(back, update))


if __name__ == "__main__":
    unittest.main()
